import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ArtifactError, readResultsZip } from '../../src/github/read-results-zip.js';

const RESULTS = '{"schemaVersion":1}';

describe('readResultsZip', () => {
  it('returns the results file of a well-formed artifact', () => {
    const zip = zipSync({ 'mlgrade-results.json': strToU8(RESULTS) });
    expect(readResultsZip(zip)).toEqual({ text: RESULTS, signature: undefined });
  });

  it('returns the signature beside the results, bounded to 1 KiB', () => {
    const signed = zipSync({
      'mlgrade-results.json': strToU8(RESULTS),
      'mlgrade-results.json.sig': strToU8('sha256=ab\n'),
    });
    expect(readResultsZip(signed)).toEqual({ text: RESULTS, signature: 'sha256=ab\n' });
    const padded = zipSync({
      'mlgrade-results.json': strToU8(RESULTS),
      'mlgrade-results.json.sig': new Uint8Array(4096),
    });
    expect(() => readResultsZip(padded)).toThrow(/mlgrade-results.json.sig inflates past 1024 bytes/);
  });

  it('rejects a path-traversal entry even beside a valid results file', () => {
    const zip = zipSync({ 'mlgrade-results.json': strToU8(RESULTS), '../../etc/cron.d/x': strToU8('x') });
    expect(() => readResultsZip(zip)).toThrow(/unsafe entry name "..\/..\/etc\/cron.d\/x"/);
  });

  it('rejects absolute entry names', () => {
    const zip = zipSync({ '/tmp/x': strToU8('x'), 'mlgrade-results.json': strToU8(RESULTS) });
    expect(() => readResultsZip(zip)).toThrow(ArtifactError);
  });

  it('stops inflating a zip bomb at the byte limit', () => {
    // 64 MiB of zeros compresses to about 64 KiB.
    const bomb = zipSync({ 'mlgrade-results.json': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(() => readResultsZip(bomb)).toThrow(/inflates past 8388608 bytes/);
  });

  it('rejects too many entries', () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, strToU8('x')]));
    expect(() => readResultsZip(zipSync(files))).toThrow(/more than 16 entries/);
  });

  it('says when the results file is missing or the bytes are not a zip', () => {
    expect(() => readResultsZip(zipSync({ 'other.json': strToU8('{}') }))).toThrow(
      /holds no mlgrade-results.json/,
    );
    expect(() => readResultsZip(strToU8('<html>not a zip</html>'))).toThrow(ArtifactError);
  });
});

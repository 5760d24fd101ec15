import { describe, expect, it } from 'vitest';
import { readMetricsFile } from '../../src/checks/reproduce-metrics.js';
import { InputFileError } from '../../src/files/input-files.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('readMetricsFile', () => {
  it('flattens nested objects with dots', async () => {
    const dir = await tempDir({ 'metrics.json': '{"accuracy": 0.9, "val": {"loss": 0.3}}' });
    expect(await readMetricsFile(dir, 'metrics.json')).toEqual(
      new Map([
        ['accuracy', 0.9],
        ['val.loss', 0.3],
      ]),
    );
  });

  it('refuses a top-level array as not an object of metric names', async () => {
    // An array is typeof 'object': it was flattened into metrics named "0", "1", … and the claim
    // then read as missing every configured metric, with no word about the file's shape.
    const dir = await tempDir({ 'metrics.json': '[0.91, 0.3]' });
    await expect(readMetricsFile(dir, 'metrics.json')).rejects.toBeInstanceOf(InputFileError);
    await expect(readMetricsFile(dir, 'metrics.json')).rejects.toThrow(
      /metrics\.json must be a JSON \(or YAML\) object of metric names to numbers/,
    );
  });
});

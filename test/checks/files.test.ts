import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesCheck } from '../../src/checks/files.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const README =
  '# Project\n\n## Reproduction\n\nRun `python train.py --seed 1`.\n\n## Results\n\nAccuracy 0.91.\n';

describe('files check', () => {
  it('passes when every required pattern matches a non-empty file and the README has its sections', async () => {
    const dir = await tempDir({
      'README.md': README,
      'results/metrics.json': '{"accuracy": 0.9}',
      'train.py': 'print(1)',
    });
    const outcome = await runCheck(
      filesCheck,
      {
        required: ['README.md', 'results/*.json', 'train.py'],
        readme: { sections: ['Reproduction', 'results'] },
      },
      contextFor(dir),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toMatchObject({
      required: 3,
      required_missing: 0,
      files: 3,
      sections_missing: 0,
    });
    expect(outcome.findings).toEqual([]);
  });

  it('names each missing or empty required file', async () => {
    const dir = await tempDir({ 'README.md': README, 'results/empty.json': '' });
    const outcome = await runCheck(
      filesCheck,
      { required: ['results/*.json', 'config.yaml'] },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics?.required_missing).toBe(2);
    const messages = outcome.findings!.map((finding) => finding.message);
    expect(messages).toContain('results/empty.json is empty; it must have content.');
    expect(messages).toContain('Required file config.yaml is missing; add and commit it.');
  });

  it('reports a missing README section with the headings it did find, and a thin one with its line', async () => {
    const dir = await tempDir({ 'README.md': '# Title\n\n## 1. Reproduction:\n\n## Setup\n\nuse pip\n' });
    const outcome = await runCheck(
      filesCheck,
      { readme: { sections: ['Reproduction', 'Results'] } },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        file: 'README.md',
        line: 3,
        message: expect.stringContaining('has 0 words'),
      }),
      expect.objectContaining({
        file: 'README.md',
        message: expect.stringContaining('Headings found: "Title", "1. Reproduction:", "Setup"'),
      }),
    ]);
  });

  it('ignores headings inside fenced code blocks', async () => {
    const dir = await tempDir({ 'README.md': '# Title\n\n```\n## Reproduction\nnot really\n```\n' });
    const outcome = await runCheck(filesCheck, { readme: { sections: ['Reproduction'] } }, contextFor(dir));
    expect(outcome.metrics?.sections_missing).toBe(1);
  });

  it('enforces per-file and total size limits', async () => {
    const dir = await tempDir({ 'weights.bin': new Uint8Array(2048), 'a.txt': 'x' });
    const outcome = await runCheck(
      filesCheck,
      { max_file_bytes: 1024, max_total_bytes: 1500 },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings!.map((finding) => finding.message)).toEqual([
      expect.stringMatching(/^weights\.bin is 2\.0 KiB, over the 1\.0 KiB limit per file/),
      expect.stringMatching(/^The submission is 2\.0 KiB, over the 1\.5 KiB limit/),
    ]);
  });

  it('does not follow symbolic links out of the submission', async () => {
    const outside = await tempDir({ 'secret.txt': 'hidden labels' });
    const dir = await tempDir({ 'README.md': README });
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'labels.txt'));
    const outcome = await runCheck(filesCheck, { required: ['labels.txt'] }, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ level: 'warning', file: 'labels.txt' }),
    );
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringContaining('labels.txt is missing') }),
    );
  });

  it('refuses a README path that escapes the submission', async () => {
    const dir = await tempDir({});
    const outcome = await runCheck(
      filesCheck,
      { readme: { file: '../README.md', sections: ['Reproduction'] } },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]!.message).toContain('must be relative and stay inside');
  });

  it('reports a binary README instead of parsing it', async () => {
    const dir = await tempDir({ 'README.md': new Uint8Array([0x23, 0x20, 0x00, 0x01]) });
    const outcome = await runCheck(filesCheck, { readme: { sections: ['Reproduction'] } }, contextFor(dir));
    expect(outcome.findings![0]!.message).toContain('looks like a binary file');
  });
});

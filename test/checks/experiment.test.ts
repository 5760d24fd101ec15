import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { experimentCheck } from '../../src/checks/experiment.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const TRAIN = 'x,y\n1,2\n';

function experimentYaml(dataSha: string) {
  return [
    'command: python train.py --epochs 3',
    'seed: 42',
    'data:',
    '  source: https://example.org/mnist',
    '  split: train 50k / val 10k',
    '  version: "2024-01"',
    '  files:',
    '    - path: data/train.csv',
    `      sha256: ${dataSha}`,
    '',
  ].join('\n');
}

describe('experiment check', () => {
  it('passes a complete config whose data file matches its hash', async () => {
    const dir = await tempDir({ 'experiment.yaml': experimentYaml(sha(TRAIN)), 'data/train.csv': TRAIN });
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.findings).toEqual([]);
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toEqual({
      fields_missing: 0,
      data_files: 1,
      data_files_verified: 1,
      data_files_mismatched: 0,
    });
  });

  it('catches changed data and points at the declaring line', async () => {
    const dir = await tempDir({ 'experiment.yaml': experimentYaml(sha('other')), 'data/train.csv': TRAIN });
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics?.data_files_mismatched).toBe(1);
    expect(outcome.findings![0]).toMatchObject({ file: 'experiment.yaml', line: 8 });
    expect(outcome.findings![0]!.message).toContain(`has sha256 ${sha(TRAIN)}`);
  });

  it('skips hashing when verify_data is false', async () => {
    const dir = await tempDir({ 'experiment.yaml': experimentYaml(sha('other')) });
    const outcome = await runCheck(experimentCheck, { verify_data: false }, contextFor(dir));
    expect(outcome.status).toBe('pass');
  });

  it('does not hash a data file over max_data_bytes, saying so on the declaring line', async () => {
    const dir = await tempDir({ 'experiment.yaml': experimentYaml(sha(TRAIN)), 'data/train.csv': TRAIN });
    const outcome = await runCheck(experimentCheck, { max_data_bytes: 4 }, contextFor(dir));
    expect(outcome.metrics).toMatchObject({ data_files_verified: 0, data_files_mismatched: 0 });
    expect(outcome.findings).toEqual([
      expect.objectContaining({ level: 'error', file: 'experiment.yaml', line: 8 }),
    ]);
    expect(outcome.findings![0]!.message).toMatch(
      /data\/train\.csv is 8 bytes, over the 4 bytes hashing limit/,
    );
  });

  it('reports each missing field with its line', async () => {
    const dir = await tempDir({
      'exp.json': '{\n  "command": "",\n  "seed": "abc",\n  "data": {"source": "kaggle"}\n}\n',
    });
    const outcome = await runCheck(experimentCheck, { file: 'exp.json' }, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics?.fields_missing).toBe(4);
    expect(outcome.findings!.map((f) => [f.line, f.message.split(':')[1]!.trim().split(' ')[0]])).toEqual([
      [2, '`command`'],
      [3, '`seed`'],
      [4, 'data'],
      [4, 'data'],
    ]);
  });

  it('reports a YAML syntax error with its line instead of throwing', async () => {
    const dir = await tempDir({ 'experiment.yaml': 'command: python train.py\nseed: [1, 2\n' });
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]).toMatchObject({ file: 'experiment.yaml', level: 'error' });
    expect(outcome.findings![0]!.message).toContain('does not parse');
  });

  it('fails clearly when the config is missing', async () => {
    const dir = await tempDir({});
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.findings![0]!.message).toMatch(
      /experiment\.yaml was not found; it must declare `command`/,
    );
  });

  it('refuses a data file declared outside the submission', async () => {
    const yaml = experimentYaml(sha(TRAIN)).replace('data/train.csv', '../../etc/passwd');
    const dir = await tempDir({ 'experiment.yaml': yaml });
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings![0]!.message).toContain('must be relative and stay inside');
  });

  it('accepts a list of seeds and a list of datasets', async () => {
    const yaml =
      'command: [python, train.py]\nseed: [1, 2, 3]\ndata:\n  - {source: a, split: train, version: 1}\n  - {source: b, split: test, version: 2}\n';
    const dir = await tempDir({ 'experiment.yaml': yaml });
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('pass');
  });
});

/**
 * The action's batch mode through its entry point (`run`, inputs from the environment as the runner
 * passes them): every attempt of a dispatch graded in one step, one results file each.
 */
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAttempts } from '../../action/batch-inputs.js';
import { run } from '../../action/runner.js';
import { resultsKey, verifyResults } from '../../src/results/results-signature.js';
import { validateResults } from '../../src/results/validate-results.js';
import { tempDir } from '../helpers/temp-dir.js';

const summary = vi.hoisted(() => {
  const text: string[] = [];
  const api = {
    text,
    addRaw: vi.fn((line: string) => {
      text.push(line);
      return api;
    }),
    write: vi.fn(async () => api),
  };
  return api;
});

vi.mock('@actions/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@actions/core')>()),
  setOutput: vi.fn(),
  setFailed: vi.fn(),
  setSecret: vi.fn(),
  info: vi.fn(),
  debug: vi.fn(),
  error: vi.fn(),
  warning: vi.fn(),
  notice: vi.fn(),
  summary,
}));

const SHA_A = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const SHA_B = '0d1c2e3f4a5b6c7d8e9f00112233445566778899';
const KEY = resultsKey('app secret', 'c'.repeat(32));

describe('the grade action in batch mode', () => {
  let work: string;
  const attempts = [
    {
      attempt: 'a-1',
      repository: 'ml-course/m4-alice',
      repository_name: 'm4-alice',
      sha: SHA_A,
      assignment: 'milestone-4',
    },
    {
      attempt: 'b-2',
      repository: 'ml-course/m4-bob',
      repository_name: 'm4-bob',
      sha: SHA_B,
      assignment: 'milestone-4',
    },
  ];
  beforeEach(async () => {
    work = await tempDir();
    await mkdir(path.join(work, 'submissions'));
    await cp('examples/submissions/m4-passing', path.join(work, 'submissions', 'a-1'), { recursive: true });
    await cp('examples/submissions/m4-broken', path.join(work, 'submissions', 'b-2'), { recursive: true });
    vi.stubEnv('INPUT_CONFIG', 'examples/course/mlgrade.yml');
    vi.stubEnv('INPUT_ATTEMPTS', JSON.stringify(attempts));
    vi.stubEnv('INPUT_SUBMISSIONS', path.join(work, 'submissions'));
    vi.stubEnv('INPUT_RESULTS-DIR', path.join(work, 'mlgrade-results'));
    vi.stubEnv('INPUT_RESULTS-KEY', KEY);
    vi.stubEnv('INPUT_JOBS', '2');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.clearAllMocks();
    summary.text.length = 0;
  });

  const resultsOf = async (attempt: string) => {
    const file = path.join(work, 'mlgrade-results', attempt, 'mlgrade-results.json');
    const text = await readFile(file, 'utf8');
    return { text, data: JSON.parse(text), signature: await readFile(`${file}.sig`, 'utf8') };
  };

  it('grades every attempt into its own signed results file that names its repository, commit and attempt', async () => {
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    for (const expected of attempts) {
      const { text, data, signature } = await resultsOf(expected.attempt);
      expect(validateResults(data).ok).toBe(true);
      expect(data.submission).toEqual({
        repository: expected.repository,
        sha: expected.sha,
        attemptId: expected.attempt,
      });
      expect(verifyResults(KEY, text, signature)).toBe(true);
    }
    // Each file holds its own submission's grade: the passing example scores more than the broken one.
    expect((await resultsOf('a-1')).data.score.points).toBe(35);
    expect((await resultsOf('b-2')).data.score.points).toBeLessThan(35);
    expect(core.setOutput).toHaveBeenCalledWith('graded', 2);
    expect(core.setOutput).toHaveBeenCalledWith('failed', 0);
    expect(summary.text.join('\n')).toContain('mlgrade: 2 of 2 attempts graded');
  });

  it('grades the others when one checkout is missing, says why for that one, and still succeeds', async () => {
    await import('node:fs/promises').then((fs) =>
      fs.rm(path.join(work, 'submissions', 'b-2'), { recursive: true }),
    );
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    expect((await resultsOf('a-1')).data.score.points).toBe(35);
    await expect(stat(path.join(work, 'mlgrade-results', 'b-2'))).rejects.toThrow(/ENOENT/);
    expect(core.setOutput).toHaveBeenCalledWith('failed', 1);
    expect(core.error).toHaveBeenCalledWith(
      expect.stringContaining('ml-course/m4-bob (attempt b-2) was not graded: no checkout at'),
    );
    expect(summary.text.join('\n')).toMatch(/not graded: no checkout at .*b-2/);
  });

  it('refuses an attempt whose assignment the config does not have, and grades the rest', async () => {
    vi.stubEnv(
      'INPUT_ATTEMPTS',
      JSON.stringify([attempts[0], { ...attempts[1], assignment: 'milestone-9' }]),
    );
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.error).toHaveBeenCalledWith(
      expect.stringContaining('assignment "milestone-9" is not in the course config (assignments: '),
    );
    expect((await resultsOf('a-1')).data.score.points).toBe(35);
  });

  it('fails the step, so nothing is uploaded, when no attempt could be graded', async () => {
    vi.stubEnv('INPUT_SUBMISSIONS', path.join(work, 'elsewhere'));
    await mkdir(path.join(work, 'elsewhere'));
    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringContaining('None of the 2 attempts could be graded'),
    );
    expect(summary.text.join('\n')).toContain('mlgrade could not grade this batch');
  });

  it('replaces whatever was planted at the results directory', async () => {
    await mkdir(path.join(work, 'mlgrade-results', 'a-1'), { recursive: true });
    await writeFile(path.join(work, 'mlgrade-results', 'forged.json'), '{}');
    await writeFile(path.join(work, 'mlgrade-results', 'a-1', 'mlgrade-results.json.sig'), 'sha256=forged\n');
    await run();

    await expect(stat(path.join(work, 'mlgrade-results', 'forged.json'))).rejects.toThrow(/ENOENT/);
    const { text, signature } = await resultsOf('a-1');
    expect(verifyResults(KEY, text, signature)).toBe(true);
  });

  it('refuses a results directory that holds the submissions', async () => {
    vi.stubEnv('INPUT_RESULTS-DIR', work);
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(/^Invalid input 'results-dir': .* holds the 'submissions' directory/),
    );
    expect(await stat(path.join(work, 'submissions', 'a-1'))).toBeTruthy();
  });
});

describe('the attempts input', () => {
  const one = { attempt: 'a-1', repository: 'o/r', sha: 'a'.repeat(40), assignment: 'm' };
  it.each([
    ['not JSON', '{', /not JSON/],
    ['an empty array', '[]', /non-empty JSON array/],
    [
      'an attempt id that climbs out of the submissions directory',
      JSON.stringify([{ ...one, attempt: '../x' }]),
      /entry 1 has attempt "..\/x"/,
    ],
    [
      'a short sha',
      JSON.stringify([{ ...one, sha: 'abc' }]),
      /entry 1 has sha "abc"; expected a full 40-character commit sha/,
    ],
    [
      'a repository without an owner',
      JSON.stringify([one, { ...one, attempt: 'b', repository: 'r' }]),
      /entry 2 has repository "r"; expected owner\/name/,
    ],
    ['the same attempt twice', JSON.stringify([one, one]), /entry 2 repeats attempt a-1/],
  ])('refuses %s, naming the entry', (_, text, message) => {
    expect(() => parseAttempts(text)).toThrow(message);
  });

  it('keeps the fields it needs', () => {
    expect(parseAttempts(JSON.stringify([{ ...one, repository_name: 'r' }]))).toEqual([one]);
  });
});

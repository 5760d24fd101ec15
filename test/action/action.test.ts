import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../action/runner.js';
import { resultsKey, verifyResults } from '../../src/results/results-signature.js';
import { validateResults } from '../../src/results/validate-results.js';
import { tempDir } from '../helpers/temp-dir.js';

const summary = vi.hoisted(() => {
  const text: string[] = [];
  const add = (line: string) => {
    text.push(line);
    return api;
  };
  const api = {
    text,
    addRaw: vi.fn((line: string) => add(line)),
    addHeading: vi.fn((line: string) => add(`## ${line}`)),
    addCodeBlock: vi.fn((line: string) => add(line)),
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

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

describe('the grade action', () => {
  let out: string;
  beforeEach(async () => {
    out = path.join(await tempDir(), 'mlgrade-results.json');
    vi.stubEnv('INPUT_CONFIG', 'examples/course/mlgrade.yml');
    vi.stubEnv('INPUT_SUBMISSION', 'examples/submissions/m4-passing');
    vi.stubEnv('INPUT_ASSIGNMENT', 'milestone-4');
    vi.stubEnv('INPUT_RESULTS', out);
    vi.stubEnv('INPUT_ATTEMPT-ID', 'attempt-1');
    vi.stubEnv('INPUT_REPOSITORY', 'ml-course/m4-alice');
    vi.stubEnv('INPUT_SHA', SHA);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.clearAllMocks();
    summary.text.length = 0;
  });

  it('writes schema-valid results that name the attempt, outputs and a job summary', async () => {
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    const results = JSON.parse(await readFile(out, 'utf8'));
    expect(validateResults(results).ok).toBe(true);
    expect(results.submission).toEqual({
      repository: 'ml-course/m4-alice',
      sha: SHA,
      attemptId: 'attempt-1',
    });
    expect(results.checks.map((check: { status: string }) => check.status)).toEqual(['pass', 'pass', 'pass']);
    expect(core.setOutput).toHaveBeenCalledWith('points', 35);
    expect(core.setOutput).toHaveBeenCalledWith('max-points', 100);
    expect(summary.text.join('\n')).toContain('Milestone 4: Advanced Vision (CIFAR-10) — 35 / 100 points');
    expect(summary.write).toHaveBeenCalledOnce();
  });

  it('annotates findings of a failing submission and still succeeds (a grade, not a broken step)', async () => {
    vi.stubEnv('INPUT_SUBMISSION', 'examples/submissions/m4-broken');
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    expect(vi.mocked(core.error).mock.calls.length).toBeGreaterThan(0);
    const [, properties] = vi.mocked(core.error).mock.calls[0]!;
    expect(properties).toMatchObject({ title: expect.any(String) });
  });

  it('fails with what to fix, and writes the summary anyway, for an unknown assignment', async () => {
    vi.stubEnv('INPUT_ASSIGNMENT', 'milestone-9');
    await run();

    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringContaining(`Invalid input 'assignment': "milestone-9" is not in`),
    );
    expect(summary.text.join('\n')).toContain('mlgrade could not grade this submission');
    expect(summary.write).toHaveBeenCalledOnce();
  });

  it('rejects a malformed sha before grading', async () => {
    vi.stubEnv('INPUT_SHA', 'main');
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining("Invalid input 'sha'"));
  });

  it('names a missing submission checkout instead of failing every check', async () => {
    vi.stubEnv('INPUT_SUBMISSION', 'examples/submissions/no-such-checkout');
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining("Invalid input 'submission'"));
    expect(summary.write).toHaveBeenCalledOnce();
  });

  describe('where the workspace is writable by others', () => {
    const forged = '{"forged": true}\n';

    it('replaces a planted symlink at the results path without following it', async () => {
      const outside = path.join(await tempDir({ 'target.json': forged }), 'target.json');
      await symlink(outside, out);
      await run();

      expect(core.setFailed).not.toHaveBeenCalled();
      expect(await readFile(outside, 'utf8')).toBe(forged);
      const results = JSON.parse(await readFile(out, 'utf8'));
      expect(results.submission.attemptId).toBe('attempt-1');
      expect(validateResults(results).ok).toBe(true);
    });

    it('removes a planted mlgrade-results.json/ directory and its forged file, and writes its own results', async () => {
      await mkdir(out);
      await writeFile(path.join(out, 'mlgrade-results.json'), forged);
      await run();

      expect(core.setFailed).not.toHaveBeenCalled();
      const results = JSON.parse(await readFile(out, 'utf8'));
      expect(results.submission.attemptId).toBe('attempt-1');
    });

    it('leaves nothing at the results path when grading fails', async () => {
      await writeFile(out, forged);
      vi.stubEnv('INPUT_ASSIGNMENT', 'milestone-9');
      await run();

      expect(core.setFailed).toHaveBeenCalled();
      await expect(readFile(out, 'utf8')).rejects.toThrow(/ENOENT/);
    });

    it('refuses a results path that would replace the submission checkout', async () => {
      vi.stubEnv('INPUT_RESULTS', 'examples/submissions');
      await run();
      expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining("Invalid input 'results'"));
    });

    it('refuses a results path that would replace the hidden data directory, and leaves the data', async () => {
      const data = path.join(path.dirname(out), 'hidden', 'labels');
      await mkdir(data, { recursive: true });
      await writeFile(path.join(data, 'test.csv'), 'id,label\n');
      vi.stubEnv('INPUT_DATA', data);
      vi.stubEnv('INPUT_RESULTS', path.dirname(data));
      await run();
      expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining("Invalid input 'results'"));
      expect(await readFile(path.join(data, 'test.csv'), 'utf8')).toBe('id,label\n');
    });
  });

  it('signs the results with the dispatch key, masks the key and keeps it from child processes', async () => {
    const key = resultsKey('app secret', 'a'.repeat(32));
    await writeFile(`${out}.sig`, 'sha256=forged\n');
    vi.stubEnv('INPUT_RESULTS-KEY', key);
    await run();

    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.setSecret).toHaveBeenCalledWith(key);
    expect(process.env['INPUT_RESULTS-KEY']).toBeUndefined();
    const text = await readFile(out, 'utf8');
    const signature = await readFile(`${out}.sig`, 'utf8');
    expect(verifyResults(key, text, signature)).toBe(true);
    expect(verifyResults(resultsKey('app secret', 'b'.repeat(32)), text, signature)).toBe(false);
  });
});

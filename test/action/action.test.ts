import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../action/runner.js';
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
});

/**
 * The whole loop with no mocks inside mlgrade: the real app process (node build/src/app.js) against a GitHub
 * fake on 127.0.0.1 that also plays the runner. A signed push webhook → queued check run → workflow
 * dispatch → the bundled action grades examples/submissions/m4-passing and signs the results with the
 * dispatch's key → artifact → signed workflow_run.completed → completed check run and one PR comment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from './app-process.js';
import { type GitHubFake, startGitHubFake } from './github-fake.js';

const ROOT = path.resolve('.');
const SECRET = 'e2e-webhook-secret';
const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';

describe('the GitHub loop, end to end', () => {
  let fake: GitHubFake;
  let app: AppProcess;
  beforeAll(async () => {
    fake = await startGitHubFake({
      root: ROOT,
      configYaml: readFileSync(path.join(ROOT, 'examples/course/mlgrade.yml'), 'utf8'),
      webhookSecret: SECRET,
      pullRequest: 3,
    });
    app = await startAppProcess(ROOT, fake.url, SECRET);
    fake.options.webhookUrl = app.webhookUrl;
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('grades a push and reports a completed check run and one PR comment', async () => {
    const push = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/events/push.json'), 'utf8'));
    const status = await fake.sendWebhook('push', { ...push, after: SHA });
    if (status !== 200) await new Promise((r) => setTimeout(r, 1000));
    expect(status, app.output()).toBe(200);

    const completed = (r: { method: string; path: string; body: unknown }) =>
      r.method === 'PATCH' &&
      r.path.includes('/check-runs/') &&
      (r.body as { status?: string }).status === 'completed';
    await fake.waitFor(completed, 45_000).catch((error) => {
      const requests = fake.log.map((r) => `${r.method} ${r.path}`).join('\n');
      throw new Error(`${error.message}\nrequests:\n${requests}\napp log:\n${app.output()}`);
    });
    expect(fake.runnerErrors).toEqual([]);
    const comment = await fake.waitFor(
      (r) => r.method === 'POST' && r.path.endsWith('/issues/3/comments'),
      5_000,
    );

    const [checkRun] = [...fake.checkRuns.values()];
    expect(fake.checkRuns.size).toBe(1);
    expect(checkRun).toMatchObject({
      name: 'mlgrade: milestone-4',
      head_sha: SHA,
      status: 'completed',
      conclusion: 'success',
      actions: [{ identifier: 'regrade', label: 'Regrade' }],
    });
    const output = checkRun!.output as { title: string; summary: string };
    expect(output.title).toBe('35 / 100 points (65 pending review)');
    expect(output.summary).toContain('Milestone 4: Advanced Vision (CIFAR-10) — 35 / 100 points');
    expect((comment.body as { body: string }).body).toMatch(
      /^<!-- mlgrade:comment assignment=milestone-4 -->\n/,
    );
    expect(fake.comments.size).toBe(1);
    const dispatches = fake.log.filter((r) => r.path.endsWith('/dispatches'));
    expect(dispatches.map((r) => r.path)).toEqual([
      '/api/v3/repos/ml-course/mlgrade-grader/actions/workflows/mlgrade-grade.yml/dispatches',
    ]);
    // The results were signed by the action with the dispatch's key: the app scores nothing unsigned.
    const inputs = (dispatches[0]!.body as { inputs: Record<string, string> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(['attempts', 'nonce', 'results_key', 'runs_on']);
    expect(inputs.results_key).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);
});

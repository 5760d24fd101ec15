/**
 * SIGKILL in the middle of a burst, then a new process on the same ledger (PGlite directory): the
 * attempts the dead process had recorded but not dispatched are resumed by the new process's sweep
 * (their check runs found by external_id when the dead process had created them), and the runs it
 * had dispatched, whose workflow_run deliveries went to the dead process, are polled and collected.
 * The sweep's timings are shortened through the environment so that this takes seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from './app-process.js';
import {
  duplicateCheckRuns,
  gradedStudents,
  openCheckRuns,
  pushOf,
  shaOf,
  startFastFake,
  waitUntil,
} from './burst-setup.js';
import type { GitHubFake } from './github-fake.js';

const ROOT = path.resolve('.');
const SECRET = 'crash-webhook-secret';
const STUDENTS = 20;
const ENV = {
  // The write limit scaled as in the burst test, so that the kill lands while writes are waiting.
  MLGRADE_GITHUB_WRITES_PER_MINUTE: '10',
  MLGRADE_GITHUB_WRITE_WINDOW_SECONDS: '2',
  MLGRADE_SWEEP_SECONDS: '1',
  MLGRADE_STRANDED_AFTER_SECONDS: '2',
  MLGRADE_POLL_RUNS_AFTER_SECONDS: '2',
  MLGRADE_OUTBOX_LEASE_SECONDS: '5',
};

describe('SIGKILL of the app mid-burst, and a restart', () => {
  let fake: GitHubFake;
  let ledgerDir: string;
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    fake = await startFastFake(ROOT, SECRET, { writeLimit: { perWindow: 10, windowMs: 2_000 } });
    ledgerDir = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-crash-ledger-'));
  }, 90_000);
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await fake?.close();
    await rm(ledgerDir, { recursive: true, force: true });
  });

  it('loses no attempt and duplicates no check run', async () => {
    const first = await startAppProcess(ROOT, fake.url, SECRET, { env: ENV, dataDir: ledgerDir });
    apps.push(first);
    fake.options.webhookUrl = first.webhookUrl;
    const statuses = await Promise.all(
      Array.from({ length: STUDENTS }, (_, student) => fake.sendWebhook('push', pushOf(ROOT, student, 1))),
    );
    expect(
      statuses.every((status) => status === 200),
      first.output().slice(-4000),
    ).toBe(true);
    // Every push is answered and recorded; the check runs and dispatches are still being paced out.
    await waitUntil(() => fake.checkRuns.size >= 3, 20_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const checkRunsBeforeKill = fake.checkRuns.size;

    const second = await startAppProcess(ROOT, fake.url, SECRET, { env: ENV, dataDir: ledgerDir });
    apps.push(second);
    fake.options.webhookUrl = second.webhookUrl;
    const newest = (student: number) => shaOf(student, 1);
    await waitUntil(
      () => gradedStudents(fake, STUDENTS, newest) === STUDENTS && openCheckRuns(fake) === 0,
      90_000,
    );

    const figures = {
      students: STUDENTS,
      checkRunsBeforeKill,
      graded: gradedStudents(fake, STUDENTS, newest),
      duplicateCheckRuns: duplicateCheckRuns(fake),
      leftOpen: openCheckRuns(fake),
      violations: fake.violations,
    };
    console.log(`crash-restart figures: ${JSON.stringify(figures)}`);
    const context = `${JSON.stringify(figures)}\n${second.output().slice(-6000)}`;
    expect(checkRunsBeforeKill, context).toBeLessThan(STUDENTS); // the kill did land mid-burst
    expect(figures.graded, context).toBe(STUDENTS);
    expect(figures.duplicateCheckRuns, context).toBe(0);
    expect(figures.leftOpen, context).toBe(0);
    expect(figures.violations, context).toBe(0);
  }, 150_000);
});

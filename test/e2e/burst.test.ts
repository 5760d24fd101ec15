/**
 * The night before the deadline, reduced to run in `npm test`: the real app process against the
 * GitHub fake on 127.0.0.1, which enforces the write limit (scaled: 20 writes per 2 s instead of 80
 * per minute, the app's scheduler scaled the same way), answers 5% of check-run POSTs with a 502
 * after creating the check run and 5% of completions with a 502, and grades instantly (the results
 * of one real grading, rewritten and signed per attempt). 40 pushes from 30 students, 10 of whom push
 * twice while their first push is still queued.
 *
 * Invariants: every student's newest push is graded (a completed check run on it, successful),
 * no commit has two check runs, no check run is left queued or in progress, each repository has one
 * PR comment, and no write broke the limit.
 */
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
const SECRET = 'burst-webhook-secret';
const STUDENTS = 30;
const TWICE = 10;
const LIMIT = { perWindow: 20, windowMs: 2_000 };

describe('a burst of pushes, with faults, against the real app', () => {
  let fake: GitHubFake;
  let app: AppProcess;
  beforeAll(async () => {
    fake = await startFastFake(ROOT, SECRET, {
      faults: { createAfter5xx: 0.05, update5xx: 0.05, seed: 20261125 },
      writeLimit: LIMIT,
    });
    app = await startAppProcess(ROOT, fake.url, SECRET, {
      env: {
        MLGRADE_GITHUB_WRITES_PER_MINUTE: String(LIMIT.perWindow),
        MLGRADE_GITHUB_WRITE_WINDOW_SECONDS: String(LIMIT.windowMs / 1000),
      },
    });
    fake.options.webhookUrl = app.webhookUrl;
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('grades every student’s newest push exactly once, within the write limit', async () => {
    const started = performance.now();
    const acks: number[] = [];
    const send = async (student: number, push: number) => {
      const sent = performance.now();
      const status = await fake.sendWebhook('push', pushOf(ROOT, student, push));
      acks.push(performance.now() - sent);
      expect(status, app.output().slice(-4000)).toBe(200);
    };
    // The first pushes arrive ten at a time; the second pushes follow while the first are queued.
    for (let at = 0; at < STUDENTS; at += 10)
      await Promise.all(Array.from({ length: 10 }, (_, i) => send(at + i, 1)));
    await Promise.all(Array.from({ length: TWICE }, (_, student) => send(student, 2)));

    const newest = (student: number) => shaOf(student, student < TWICE ? 2 : 1);
    const graded = () => gradedStudents(fake, STUDENTS, newest);
    const open = () => openCheckRuns(fake);
    const commented = () => new Set([...fake.comments.values()].map((comment) => comment.repository)).size;
    await waitUntil(() => graded() === STUDENTS && open() === 0 && commented() === STUDENTS, 90_000);
    const drainedMs = performance.now() - started;

    const runs = [...fake.checkRuns.values()];
    const commentsPerRepository = new Map<string, number>();
    for (const comment of fake.comments.values())
      commentsPerRepository.set(
        String(comment.repository),
        (commentsPerRepository.get(String(comment.repository)) ?? 0) + 1,
      );
    const writes = fake.log.filter(
      (r) => r.method !== 'GET' && !r.path.includes('/access_tokens') && !r.path.startsWith('/blobs'),
    ).length;
    const pushes = STUDENTS + TWICE;
    const figures = {
      pushes,
      studentsGraded: graded(),
      duplicateCheckRuns: duplicateCheckRuns(fake),
      leftOpen: open(),
      duplicateComments: [...commentsPerRepository.values()].filter((n) => n > 1).length,
      violations: fake.violations,
      injected: fake.injected,
      writesPerPush: Number((writes / pushes).toFixed(2)),
      drainSeconds: Number((drainedMs / 1000).toFixed(1)),
      ackP99Ms: Math.round([...acks].sort((a, b) => a - b)[Math.ceil(acks.length * 0.99) - 1] ?? 0),
    };
    console.log(`burst figures: ${JSON.stringify(figures)}`);
    const context = `${JSON.stringify(figures)}\n${app.output().slice(-6000)}`;

    expect(figures.studentsGraded, context).toBe(STUDENTS);
    expect(figures.leftOpen, context).toBe(0);
    expect(figures.duplicateCheckRuns, context).toBe(0);
    expect(figures.duplicateComments, context).toBe(0);
    expect(figures.violations, context).toBe(0);
    expect(commentsPerRepository.size, context).toBe(STUDENTS);
    // Every newest push succeeded; every older one was superseded (it was still queued) or graded.
    for (let student = 0; student < STUDENTS; student++) {
      const latest = runs.find((run) => run.head_sha === newest(student));
      expect(latest?.conclusion, context).toBe('success');
    }
    for (let student = 0; student < TWICE; student++) {
      const first = runs.find((run) => run.head_sha === shaOf(student, 1));
      expect(['neutral', 'success'], context).toContain(first?.conclusion);
    }
    // The faults did happen, so the test shows the app riding them out.
    expect(fake.injected.createAfter5xx + fake.injected.update5xx).toBeGreaterThan(0);
  }, 150_000);
});

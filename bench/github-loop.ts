/**
 * The GitHub loop's figures, measured against the real app process (`probot run`) and the GitHub
 * fake of the end-to-end test (test/e2e/github-fake.ts) on 127.0.0.1:
 *
 * - GitHub API requests per graded attempt on the happy path (push → comment), counted from the
 *   fake's log: the first attempt (installation token and course config fetched, PR comments listed)
 *   and a later one on the same PR (token and config cached, comment id remembered). Target ≤ 7.
 * - Webhook → queued check run latency in the app: from sending a signed push until the fake
 *   receives the check-run POST, minus the fake's own time on requests in between. Target p99 < 50 ms.
 *   At most 40 pushes: each costs two writes (check run, dispatch) and the write scheduler allows 80
 *   a minute, after which pushes wait for the window by design (that wait is not app latency).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { startAppProcess } from '../test/e2e/app-process.js';
import { type GitHubFake, type LoggedRequest, startGitHubFake } from '../test/e2e/github-fake.js';
import { type BenchFigure, median } from './figure.js';

const SECRET = 'bench-webhook-secret';
const TARGET_REQUESTS = 7;
const TARGET_P99_MS = 50;
const LATENCY_PUSHES = 40;

/** Runs the loop twice on one PR, then the latency series on a fresh app; returns the figures. */
export async function run(): Promise<BenchFigure[]> {
  const [cold, warm] = await requestsPerAttempt();
  const latencies = await queuedLatencies();
  const p50 = median(latencies);
  const p99 = percentile(latencies, 0.99);
  const requests = (name: string, value: number): BenchFigure => ({
    name,
    value,
    unit: 'requests',
    ratio: {
      value: value / TARGET_REQUESTS,
      against: `${TARGET_REQUESTS} requests`,
      target: '≤ 1',
      met: value <= TARGET_REQUESTS,
    },
  });
  return [
    requests('github loop: API requests per graded attempt, first on a PR', cold),
    requests('github loop: API requests per graded attempt, later on the PR', warm),
    { name: `github loop: webhook → queued check run p50 (n=${latencies.length})`, value: p50, unit: 'ms' },
    {
      name: `github loop: webhook → queued check run p99 (n=${latencies.length})`,
      value: p99,
      unit: 'ms',
      ratio: {
        value: p99 / TARGET_P99_MS,
        against: `${TARGET_P99_MS} ms`,
        target: '< 1',
        met: p99 < TARGET_P99_MS,
      },
    },
  ];
}

function pushPayload(repository: string, sha: string): Record<string, unknown> {
  const push = JSON.parse(readFileSync(path.join(packageRoot(), 'test/fixtures/events/push.json'), 'utf8'));
  const name = repository.split('/')[1]!;
  return {
    ...push,
    after: sha,
    repository: {
      ...push.repository,
      id: 900_000 + Number.parseInt(sha.slice(0, 6), 16),
      name,
      full_name: repository,
    },
  };
}

function sha(n: number): string {
  return n.toString(16).padStart(6, '0').repeat(7).slice(0, 40);
}

async function withLoop<T>(runner: boolean, body: (fake: GitHubFake) => Promise<T>): Promise<T> {
  const root = packageRoot();
  const fake = await startGitHubFake({
    root,
    configYaml: readFileSync(path.join(root, 'examples/course/mlgrade.yml'), 'utf8'),
    webhookSecret: SECRET,
    pullRequest: 3,
    runner,
  });
  const app = await startAppProcess(root, fake.url, SECRET);
  fake.options.webhookUrl = app.webhookUrl;
  try {
    return await body(fake);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\nrunner: ${fake.runnerErrors.join('\n')}\napp log:\n${app.output().slice(-4000)}`,
      { cause: error },
    );
  } finally {
    await app.stop();
    await fake.close();
  }
}

/** API requests (blob downloads excluded: storage, not the API) for two graded attempts on one PR. */
async function requestsPerAttempt(): Promise<[number, number]> {
  return withLoop(true, async (fake) => {
    const counts: number[] = [];
    for (const n of [1, 2]) {
      const from = fake.log.length;
      await fake.sendWebhook('push', pushPayload('ml-course/m4-alice', sha(n)));
      await fake.waitFor(
        (r) => fake.log.indexOf(r) >= from && r.path.includes('/issues/') && r.method !== 'GET',
        60_000,
      );
      counts.push(fake.log.slice(from).filter((r) => r.path.startsWith('/api/v3/')).length);
    }
    return [counts[0]!, counts[1]!];
  });
}

/** Milliseconds from sending each push to the fake receiving its check-run POST, less the fake's time. */
async function queuedLatencies(): Promise<number[]> {
  return withLoop(false, async (fake) => {
    // Warm-up: the installation token and the course config are cached after this one.
    await fake.sendWebhook('push', pushPayload('ml-course/m4-warmup', sha(100)));
    await fake.waitFor((r) => r.path.endsWith('/dispatches'), 10_000);
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_PUSHES - 1; i++) {
      const repository = `ml-course/m4-student${i}`;
      const from = fake.log.length;
      const sent = performance.now();
      await fake.sendWebhook('push', pushPayload(repository, sha(200 + i)));
      const created = await fake.waitFor(
        (r) => r.method === 'POST' && r.path === `/api/v3/repos/${repository}/check-runs`,
        10_000,
      );
      const fakeTime = fake.log
        .slice(from)
        .filter((r: LoggedRequest) => r !== created && r.arrived < created.arrived)
        .reduce((sum, r) => sum + r.ms, 0);
      latencies.push(created.arrived - sent - fakeTime);
    }
    if (process.env.MLGRADE_BENCH_VERBOSE) console.log(latencies.map((ms) => ms.toFixed(1)).join(' '));
    return latencies;
  });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

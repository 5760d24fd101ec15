/**
 * A real Probot instance running the mlgrade app against nock, as create-probot-app's tests do:
 * retry and throttling off, the token endpoint mocked, and the real ledger (PGlite in a temp dir).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createMlgradeApp } from '../../src/app.js';
import { forgetTokens, type RequestWrap } from '../../src/github/github-client.js';
import { forgetComments } from '../../src/github/pr-comment.js';
import { createWriteScheduler } from '../../src/github/write-scheduler.js';
import type { AppDeps } from '../../src/handlers/app-deps.js';
import type { Attempt, Ledger, NewAttempt } from '../../src/store/ledger-types.js';
import { openLedger } from '../../src/store/open-ledger.js';
import { tempDir } from '../helpers/temp-dir.js';

export const API = 'https://api.github.com';
export const INSTALLATION = 42;
/** The example course config, as the config repository serves it. */
export const COURSE_YAML = readFileSync(path.resolve('examples/course/mlgrade.yml'), 'utf8');

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** A recorded webhook payload from test/fixtures/events/. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(path.resolve('test/fixtures/events', `${name}.json`), 'utf8')) as T;
}

/** The app under test. */
export interface Harness {
  probot: Probot;
  ledger: Ledger;
  deps: AppDeps;
}

/** The real ledger in a temp dir; open one per test file (PGlite takes a second or two to start). */
export async function openTestLedger(): Promise<Ledger> {
  return openLedger({ dataDir: path.join(await tempDir(), 'ledger') });
}

/** A random commit sha, so tests sharing a ledger never hit its (repository, sha, assignment) dedup. */
export function randomSha(): string {
  return randomBytes(20).toString('hex');
}

/** Builds the app on `ledger`; env overrides the grader settings. */
export async function startApp(
  ledger: Ledger,
  env: NodeJS.ProcessEnv = {},
  scheduling: { writesPerMinute?: number } = {},
): Promise<Harness> {
  forgetComments();
  forgetTokens();
  const probot = new Probot({
    appId: 1001,
    privateKey,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    logLevel: 'fatal',
  });
  let deps: AppDeps | undefined;
  // The real write scheduler, failing fast: a request nock does not expect should fail the test, not back off.
  const scheduler = createWriteScheduler({ maxRetries: 0, ...scheduling });
  const wrap: RequestWrap = (request, options) => scheduler.wrap(request, options);
  await probot.load(
    createMlgradeApp(
      { ledger, wrap, env: { MLGRADE_DISPATCH_WAIT_SECONDS: '0.001', ...env }, sweepEveryMs: 0 },
      (built) => {
        deps = built;
      },
    ),
  );
  return { probot, ledger, deps: deps! };
}

/** Mocks the installation token endpoint (Probot caches the token, so once per app). */
export function mockToken(): void {
  nock(API)
    .post(`/app/installations/${INSTALLATION}/access_tokens`)
    .reply(200, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
}

/** Mocks the config repository's `.github/mlgrade.yml` (default branch: no ref). */
export function mockConfig(yaml = COURSE_YAML, owner = 'ml-course'): void {
  nock(API)
    .get(`/repos/${owner}/.github/contents/.github%2Fmlgrade.yml`)
    .query((query) => query.ref === undefined)
    .reply(200, yaml, { 'content-type': 'application/vnd.github.raw' });
}

/** Delivers a webhook as GitHub would (id, name, payload). */
export async function deliver(
  harness: Harness,
  name: string,
  payload: unknown,
  id: string = crypto.randomUUID(),
) {
  // biome-ignore lint/suspicious/noExplicitAny: recorded payloads are untyped JSON
  await harness.probot.receive({ id, name: name as any, payload: payload as any });
  await harness.deps.tasks.idle();
  await harness.deps.dispatcher.idle();
  await harness.deps.publisher.idle();
}

/** Alice's push attempt in the recorded push's repository (ml-course/m4-alice), at a fresh commit unless `input` says. */
export async function aliceAttempt(ledger: Ledger, input: Partial<NewAttempt> = {}): Promise<Attempt> {
  const { attempt } = await ledger.createAttempt({
    courseId: 'ml-systems-demo',
    assignmentId: 'milestone-4',
    repository: 'ml-course/m4-alice',
    repositoryId: 810001,
    studentId: 583231,
    studentLogin: 'alice',
    sha: randomSha(),
    trigger: 'push',
    ...input,
  });
  return attempt;
}

/** Ends every open attempt, so that a test's leftovers are not superseded by the next test's push. */
export async function closeOpenAttempts(ledger: Ledger): Promise<void> {
  const open = await ledger.listOverdue(new Date(Date.now() + 86_400_000), { queuedMs: 0, runningMs: 0 });
  for (const attempt of open) await ledger.updateAttempt(attempt.id, { state: 'completed' });
}

const failures: unknown[] = [];

/**
 * An interceptor body matcher that asserts inside the interceptor: a failed expectation is kept for
 * {@link throwAssertionFailures} and the request goes unmatched (failing fast) instead of hanging.
 */
// biome-ignore lint/suspicious/noExplicitAny: request bodies are untyped JSON
export function asserting(check: (body: any) => void): (body: any) => boolean {
  return (body) => {
    try {
      check(body);
      return true;
    } catch (error) {
      failures.push(error);
      return false;
    }
  };
}

/** Throws the first expectation that failed inside an interceptor since the last call. */
export function throwAssertionFailures(): void {
  const [first] = failures.splice(0);
  if (first) throw first;
}

/**
 * Registers the lifecycle the handler tests share: no network, one ledger per file, a fresh app per
 * test (built with `env`), and after each test no pending mocks, no open attempts and no failed body
 * assertion.
 */
export function useAppHarness(env: NodeJS.ProcessEnv = {}): { app: () => Harness; ledger: () => Ledger } {
  let app: Harness | undefined;
  let ledger: Ledger | undefined;
  beforeAll(async () => {
    nock.disableNetConnect();
    ledger = await openTestLedger();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await ledger?.close();
  });
  beforeEach(async () => {
    app = await startApp(ledger!, env);
  });
  afterEach(async () => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    await closeOpenAttempts(ledger!);
    throwAssertionFailures();
    expect(pending).toStrictEqual([]);
  });
  return { app: () => app!, ledger: () => ledger! };
}

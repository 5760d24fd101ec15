/**
 * A GitHub fake on 127.0.0.1 for the end-to-end test and the bench: the REST endpoints the mlgrade
 * loop uses, plus the runner. A workflow dispatch runs the bundled action (dist/index.cjs) on the
 * example submission as a runner would, zips mlgrade-results.json as an artifact, and delivers a
 * signed workflow_run.completed webhook to the app. Every request is logged for counting.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import { seededRandom } from '../../scripts/seeded-random.js';
import { signResults } from '../../src/results/results-signature.js';

/** One request the fake served; `ms` is the fake's own time handling it. */
export interface LoggedRequest {
  /** performance.now() when the request arrived. */
  arrived: number;
  method: string;
  path: string;
  at: number;
  ms: number;
  body: unknown;
  /** Set on a write the fake refused as over GitHub's limits: the limit it broke. */
  overLimit?: 'minute' | 'hour';
}

/** What the fake needs to know about the course and the app. */
export interface FakeOptions {
  root: string;
  configYaml: string;
  webhookSecret: string;
  /** Where the app receives webhooks, set once it is listening. */
  webhookUrl?: string;
  /** Replicas: every webhook goes to each of these (same delivery id), instead of `webhookUrl`. */
  webhookUrls?: string[];
  /** The open PR whose head is every pushed commit. */
  pullRequest: number;
  /**
   * Run dispatched workflows (default true); the latency bench turns it off. `fast` answers each job
   * with `fastResults` (a results file the real action wrote once) rewritten for the job's attempt
   * and signed with the dispatch's key, as a runner that grades instantly would.
   */
  runner?: boolean | 'fast';
  fastResults?: string;
  /** Injected failures, drawn from a seeded generator so a run can be repeated. */
  faults?: {
    /** Share of check-run POSTs answered 502 after the check run was created. */
    createAfter5xx?: number;
    /** Share of check-run PATCHes answered 502 without applying them. */
    update5xx?: number;
    /**
     * Share of API requests (installation tokens aside) answered 502: a POST half the time after
     * its effect (the object exists, the answer was lost), otherwise without applying anything.
     */
    serverError?: number;
    /** Share of content writes answered 403 "secondary rate limit" with retry-after, unapplied. */
    secondaryLimit403?: number;
    /** Share of API requests answered 429 with retry-after, unapplied. */
    rateLimit429?: number;
    /** The retry-after of injected 403/429s, in seconds (default 1). */
    retryAfterSeconds?: number;
    /** Share of API requests answered only after `ms`. */
    slow?: { share: number; ms: number };
    /** Dispatches (1 = the first) whose artifacts have expired: their download answers 410. */
    expiredArtifactRuns?: number[];
    /** Dispatches (1 = the first) whose run never starts: queued forever, no workflow_run. */
    neverStartRuns?: number[];
    seed?: number;
  };
  /**
   * GitHub's secondary limits on content-creating requests, scaled: a write beyond `perWindow` in any
   * `windowMs` (its minute), or beyond `perHour` in any `hourMs` (its hour), is a violation, answered
   * 403 with retry-after as GitHub does.
   */
  writeLimit?: { perWindow: number; windowMs: number; perHour?: number; hourMs?: number };
}

/** A webhook the fake sent to the app: when, to which URL, what came back. */
export interface Delivery {
  id: string;
  event: string;
  url: string;
  /** The HTTP status, or 0 when no answer came (the app was down). */
  status: number;
  /** Milliseconds until the app answered. */
  ms: number;
}

/** The fake's state, readable by tests. */
export interface GitHubFake {
  url: string;
  log: LoggedRequest[];
  checkRuns: Map<number, Record<string, unknown>>;
  comments: Map<number, { issue: number; repository?: string; body: string }>;
  /** Output of grading steps that failed. */
  runnerErrors: string[];
  /** Writes over `writeLimit` (each answered 403). */
  violations: number;
  /** The same, by the limit they broke. */
  violationsBy: { minute: number; hour: number };
  /** Content-creating requests within the limits (the ones that count towards them). */
  writes: number;
  /** Faults injected, by kind. */
  injected: InjectedFaults;
  /** Every webhook sent, with its answer (replicas: one entry per URL). */
  deliveries: Delivery[];
  /** workflow_run deliveries no app answered (GitHub does not redeliver them by itself). */
  undelivered: { id: string; event: string; payload: unknown }[];
  options: FakeOptions;
  /** Resolves with the first request matching `predicate` (already logged or future). */
  waitFor(predicate: (request: LoggedRequest) => boolean, timeoutMs: number): Promise<LoggedRequest>;
  /** Sends a signed webhook to the app; resolves with the (first) app's status once it answered. */
  sendWebhook(event: string, payload: unknown): Promise<number>;
  /**
   * Sends one delivery (`id`: a redelivery keeps the first one's) to `urls` (default: every app
   * the fake knows); resolves with one entry per URL, status 0 where nothing answered.
   */
  deliver(event: string, payload: unknown, options?: { id?: string; urls?: string[] }): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** Faults the fake injected, by kind. */
export interface InjectedFaults {
  createAfter5xx: number;
  update5xx: number;
  serverError: number;
  secondaryLimit403: number;
  rateLimit429: number;
  slow: number;
  expiredArtifact: number;
  neverStarted: number;
}

type Handler = (match: RegExpExecArray, body: unknown, res: ServerResponse) => Promise<void> | void;

/** Starts the fake on 127.0.0.1 (an ephemeral port). */
export async function startGitHubFake(options: FakeOptions): Promise<GitHubFake> {
  const log: LoggedRequest[] = [];
  const waiters: { predicate: (r: LoggedRequest) => boolean; resolve: (r: LoggedRequest) => void }[] = [];
  const state = {
    nextId: 1000,
    runs: new Map<number, Record<string, unknown>>(),
    artifacts: new Map<number, Uint8Array>(),
  };
  const fake = {
    log,
    checkRuns: new Map<number, Record<string, unknown>>(),
    comments: new Map<number, { issue: number; repository?: string; body: string }>(),
    runnerErrors: [] as string[],
    violations: 0,
    violationsBy: { minute: 0, hour: 0 },
    writes: 0,
    injected: {
      createAfter5xx: 0,
      update5xx: 0,
      serverError: 0,
      secondaryLimit403: 0,
      rateLimit429: 0,
      slow: 0,
      expiredArtifact: 0,
      neverStarted: 0,
    },
    deliveries: [] as Delivery[],
    undelivered: [] as { id: string; event: string; payload: unknown }[],
    options,
    // url, waitFor, sendWebhook and close are set below, once the server listens.
  } as unknown as GitHubFake;
  const json = (res: ServerResponse, status: number, data: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
  const pulls = [{ number: options.pullRequest }];
  const random = seededRandom(options.faults?.seed ?? 1);
  const fails = (share: number | undefined) => share !== undefined && random() < share;
  const writeTimes: number[] = [];
  const hourTimes: number[] = [];
  const expiredArtifacts = new Set<number>();
  let dispatches = 0;

  const routes: [string, RegExp, Handler][] = [
    [
      'POST',
      /^\/api\/v3\/app\/installations\/(\d+)\/access_tokens$/,
      (_m, _b, res) =>
        json(res, 201, { token: 'ghs_fake', expires_at: new Date(Date.now() + 3600_000).toISOString() }),
    ],
    ['GET', /^\/api\/v3\/repos\/[^/]+\/[^/]+\/installation$/, (_m, _b, res) => json(res, 200, { id: 42 })],
    [
      'GET',
      /^\/api\/v3\/repos\/[^/]+\/\.github\/contents\/\.github\/mlgrade\.yml$/,
      (_m, _b, res) =>
        void res.writeHead(200, { 'content-type': 'application/vnd.github.raw' }).end(options.configYaml),
    ],
    [
      'POST',
      /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/check-runs$/,
      (m, body, res) => {
        const id = state.nextId++;
        fake.checkRuns.set(id, { ...(body as object), repository: m[1] });
        if (fails(options.faults?.createAfter5xx)) {
          fake.injected.createAfter5xx += 1;
          return json(res, 502, { message: 'Bad Gateway' });
        }
        json(res, 201, { id, pull_requests: pulls });
      },
    ],
    [
      'PATCH',
      /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/check-runs\/(\d+)$/,
      (m, body, res) => {
        const id = Number(m[2]);
        if (fails(options.faults?.update5xx)) {
          fake.injected.update5xx += 1;
          return json(res, 502, { message: 'Bad Gateway' });
        }
        fake.checkRuns.set(id, { ...fake.checkRuns.get(id), ...(body as object) });
        json(res, 200, { id, pull_requests: pulls });
      },
    ],
    [
      'GET',
      /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]{40})\/check-runs$/,
      (m, _b, res) => {
        const runs = [...fake.checkRuns]
          .filter(([, run]) => run.repository === m[1] && run.head_sha === m[2])
          .map(([id, run]) => ({ id, pull_requests: pulls, ...run }));
        json(res, 200, { total_count: runs.length, check_runs: runs });
      },
    ],
    [
      'POST',
      /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/,
      (m, body, res) => {
        const id = state.nextId++;
        const nonce = (body as DispatchBody).inputs.nonce;
        dispatches += 1;
        const faults = options.faults;
        const neverStarts = faults?.neverStartRuns?.includes(dispatches) ?? false;
        const expires = faults?.expiredArtifactRuns?.includes(dispatches) ?? false;
        state.runs.set(id, {
          status: 'queued',
          display_title: `mlgrade ${nonce}`,
          event: 'workflow_dispatch',
        });
        json(res, 200, {
          workflow_run_id: id,
          run_url: `${fake.url}/api/v3/repos/${m[1]}/${m[2]}/actions/runs/${id}`,
        });
        // The runner: asynchronously, as GitHub's queue would.
        if (options.runner === false) return;
        if (neverStarts) {
          fake.injected.neverStarted += 1;
          return;
        }
        setImmediate(
          () =>
            void runWorkflow(fake, state, {
              owner: m[1]!,
              repo: m[2]!,
              id,
              body: body as DispatchBody,
              onArtifact: expires ? (artifact) => expiredArtifacts.add(artifact) : undefined,
            }).catch((error) => fake.runnerErrors.push(`workflow run ${id}: ${(error as Error).message}`)),
        );
      },
    ],
    [
      'GET',
      /^\/api\/v3\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/runs$/,
      (_m, _b, res) => {
        const runs = [...state.runs]
          .reverse()
          .slice(0, 30)
          .map(([id, run]) => ({ id, name: 'mlgrade grade', ...run, artifacts: undefined }));
        json(res, 200, { total_count: runs.length, workflow_runs: runs });
      },
    ],
    [
      'GET',
      /^\/api\/v3\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)$/,
      (m, _b, res) => {
        const run = state.runs.get(Number(m[1]));
        const { artifacts: _artifacts, ...rest } = run ?? {};
        json(res, 200, { id: Number(m[1]), name: 'mlgrade grade', status: 'in_progress', ...rest });
      },
    ],
    [
      'GET',
      /^\/api\/v3\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/artifacts$/,
      (m, _b, res) => {
        const run = state.runs.get(Number(m[1]));
        json(res, 200, { total_count: 1, artifacts: (run?.artifacts as unknown[]) ?? [] });
      },
    ],
    [
      'GET',
      /^\/api\/v3\/repos\/[^/]+\/[^/]+\/actions\/artifacts\/(\d+)\/zip$/,
      (m, _b, res) => {
        // GitHub answers 410 Gone for an artifact past its retention, even one listed as unexpired.
        if (expiredArtifacts.has(Number(m[1]))) {
          fake.injected.expiredArtifact += 1;
          return json(res, 410, { message: 'Artifact has expired' });
        }
        res.writeHead(302, { location: `${fake.url}/blobs/${m[1]}.zip` }).end();
      },
    ],
    [
      'GET',
      /^\/blobs\/(\d+)\.zip$/,
      (m, _b, res) =>
        void res.writeHead(200, { 'content-type': 'application/zip' }).end(state.artifacts.get(Number(m[1]))),
    ],
    [
      'GET',
      /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
      (m, _b, res) =>
        json(
          res,
          200,
          [...fake.comments]
            .filter(([, c]) => c.issue === Number(m[2]) && (c.repository ?? m[1]) === m[1])
            .map(([id, c]) => ({ id, body: c.body })),
        ),
    ],
    [
      'POST',
      /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
      (m, body, res) => {
        const id = state.nextId++;
        fake.comments.set(id, {
          issue: Number(m[2]),
          repository: m[1],
          body: (body as { body: string }).body,
        });
        json(res, 201, { id });
      },
    ],
    [
      'PATCH',
      /^\/api\/v3\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/,
      (m, body, res) => {
        const comment = fake.comments.get(Number(m[1]));
        if (!comment) return json(res, 404, { message: 'Not Found' });
        comment.body = (body as { body: string }).body;
        json(res, 200, { id: Number(m[1]) });
      },
    ],
  ];

  const server: Server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const url = decodeURIComponent((req.url ?? '').split('?')[0]!);
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(url));
    const method = req.method ?? 'GET';
    const broken = overLimit(method, url);
    const fault = broken ? undefined : drawFault(method, url);
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, options.faults?.slow?.ms ?? 0));
    if (broken) {
      fake.violations += 1;
      fake.violationsBy[broken] += 1;
      const windowMs = broken === 'minute' ? options.writeLimit?.windowMs : options.writeLimit?.hourMs;
      limited(res, 403, Math.ceil((windowMs ?? 60_000) / 1000));
    } else if (fault === 'secondaryLimit403' || fault === 'rateLimit429') {
      fake.injected[fault] += 1;
      limited(res, fault === 'rateLimit429' ? 429 : 403, options.faults?.retryAfterSeconds ?? 1);
    } else if (fault === 'serverError' && (method !== 'POST' || random() < 0.5)) {
      fake.injected.serverError += 1;
      json(res, 502, { message: 'Bad Gateway' });
    } else if (route) {
      // A POST answered 502 after its effect: created, and the answer lost on the way.
      const lost = fault === 'serverError' ? lostAnswer(res) : res;
      await route[2](route[1].exec(url)!, body, lost);
    } else json(res, 404, { message: `fake GitHub has no ${req.method} ${url}` });
    const entry = {
      arrived: started,
      method: req.method ?? '',
      path: url,
      at: Date.now(),
      ms: performance.now() - started,
      body,
      ...(broken ? { overLimit: broken } : {}),
    };
    log.push(entry);
    for (const waiter of waiters.filter((w) => w.predicate(entry))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(entry);
    }
  }
  /** Answers 403 or 429 as GitHub's secondary rate limit does, with retry-after. */
  function limited(res: ServerResponse, status: 403 | 429, retryAfterSeconds: number): void {
    res
      .writeHead(status, { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) })
      .end(JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }));
  }
  /** A response whose status and body become a 502 (the route's effect stays). */
  function lostAnswer(res: ServerResponse): ServerResponse {
    fake.injected.serverError += 1;
    const stub = {
      writeHead: () => stub,
      end: () => json(res, 502, { message: 'Bad Gateway' }),
    };
    return stub as unknown as ServerResponse;
  }
  /** The injected fault for one request, if any (installation tokens and blob downloads never fail). */
  function drawFault(method: string, url: string) {
    const faults = options.faults;
    if (!faults || !url.startsWith('/api/v3/') || url.includes('/access_tokens')) return undefined;
    const write = isWrite(method, url);
    if (fails(faults.serverError)) return 'serverError' as const;
    if (write && fails(faults.secondaryLimit403)) return 'secondaryLimit403' as const;
    if (fails(faults.rateLimit429)) return 'rateLimit429' as const;
    if (faults.slow && fails(faults.slow.share)) {
      fake.injected.slow += 1;
      return 'slow' as const;
    }
    return undefined;
  }
  /**
   * A content-creating request past a scaled secondary limit: which one it broke, or undefined (and
   * the write is counted). The windows are counted 5% short: a request's time on the wire makes the
   * fake see it a little after the app's scheduler started it.
   */
  function overLimit(method: string, url: string): 'minute' | 'hour' | undefined {
    const limit = options.writeLimit;
    if (!isWrite(method, url)) return undefined;
    fake.writes += 1;
    if (!limit) return undefined;
    const now = performance.now();
    while (writeTimes.length > 0 && writeTimes[0]! <= now - limit.windowMs * 0.95) writeTimes.shift();
    const hourMs = limit.hourMs ?? limit.windowMs * 60;
    while (hourTimes.length > 0 && hourTimes[0]! <= now - hourMs * 0.95) hourTimes.shift();
    const broken =
      writeTimes.length >= limit.perWindow
        ? 'minute'
        : limit.perHour !== undefined && hourTimes.length >= limit.perHour
          ? 'hour'
          : undefined;
    if (broken) {
      fake.writes -= 1;
      return broken;
    }
    writeTimes.push(now);
    hourTimes.push(now);
    return undefined;
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.waitFor = (predicate, timeoutMs) => {
    const done = log.find(predicate);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fake GitHub: nothing matched within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        predicate,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  };
  fake.deliver = async (event, payload, delivery = {}) => {
    const id = delivery.id ?? randomUUID();
    const urls = delivery.urls ?? options.webhookUrls ?? [options.webhookUrl!];
    const answers = await Promise.all(
      urls.map((url) => sendWebhook(options.webhookSecret, url, id, event, payload)),
    );
    fake.deliveries.push(...answers.map((answer, i) => ({ id, event, url: urls[i]!, ...answer })));
    return fake.deliveries.slice(-answers.length);
  };
  fake.sendWebhook = async (event, payload) => (await fake.deliver(event, payload))[0]!.status;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}

interface DispatchBody {
  inputs: { nonce: string; attempts: string; results_key: string };
}

/** A content-creating request, as GitHub's secondary limits count them. */
function isWrite(method: string, url: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !url.includes('/access_tokens');
}

/**
 * Signs and posts a webhook the way GitHub does (10 s timeout, as GitHub's); status 0 when nothing
 * answered.
 */
async function sendWebhook(
  secret: string,
  url: string,
  id: string,
  event: string,
  payload: unknown,
): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify(payload);
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  const sent = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': id,
        'x-hub-signature-256': `sha256=${signature}`,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - sent };
  } catch {
    return { status: 0, ms: performance.now() - sent };
  }
}

const run = promisify(execFile);

/** Runs the grader workflow's matrix: the bundled action per attempt, then workflow_run.completed. */
async function runWorkflow(
  fake: GitHubFake,
  state: { nextId: number; runs: Map<number, Record<string, unknown>>; artifacts: Map<number, Uint8Array> },
  dispatch: {
    owner: string;
    repo: string;
    id: number;
    body: DispatchBody;
    onArtifact?: ((id: number) => void) | undefined;
  },
): Promise<void> {
  const { root } = fake.options;
  const matrix = JSON.parse(dispatch.body.inputs.attempts) as {
    attempt: string;
    repository: string;
    sha: string;
    assignment: string;
  }[];
  const artifacts: unknown[] = [];
  let conclusion = 'success';
  for (const job of matrix) {
    try {
      const { results, signature } =
        fake.options.runner === 'fast' && fake.options.fastResults
          ? fastResults(fake.options.fastResults, job, dispatch.body.inputs.results_key)
          : await runActionJob(root, job, dispatch.body.inputs.results_key);
      // The template's upload step: the results and their signature.
      const zip = zipSync({ 'mlgrade-results.json': results, 'mlgrade-results.json.sig': signature });
      const id = state.nextId++;
      state.artifacts.set(id, zip);
      dispatch.onArtifact?.(id);
      artifacts.push({
        id,
        name: `mlgrade-results-${job.attempt}`,
        size_in_bytes: zip.length,
        expired: false,
      });
    } catch (error) {
      // A failed grading step: the run fails without that artifact, as on GitHub.
      conclusion = 'failure';
      fake.runnerErrors.push(String((error as { stdout?: string }).stdout ?? error));
    }
  }
  state.runs.set(dispatch.id, {
    artifacts,
    status: 'completed',
    conclusion,
    display_title: `mlgrade ${dispatch.body.inputs.nonce}`,
  });
  const repository = {
    id: 810099,
    name: dispatch.repo,
    full_name: `${dispatch.owner}/${dispatch.repo}`,
    owner: { login: dispatch.owner, id: 9919 },
  };
  const payload = {
    action: 'completed',
    workflow_run: {
      id: dispatch.id,
      name: 'mlgrade grade',
      display_title: `mlgrade ${dispatch.body.inputs.nonce}`,
      status: 'completed',
      conclusion,
      event: 'workflow_dispatch',
    },
    repository,
    installation: { id: 42 },
    sender: { login: 'mlgrade[bot]', id: 1 },
  };
  const answers = await fake.deliver('workflow_run', payload);
  // An app down (killed) misses the delivery; GitHub does not redeliver it by itself.
  if (answers.every((answer) => answer.status < 200 || answer.status >= 300))
    fake.undelivered.push({ id: answers[0]!.id, event: 'workflow_run', payload });
}

/** The fast runner's output for a job: `template` rewritten for the job's attempt, signed with the dispatch's key. */
function fastResults(
  template: string,
  job: { attempt: string; repository: string; sha: string },
  resultsKey: string,
): { results: Uint8Array; signature: Uint8Array } {
  const results = JSON.parse(template) as { submission: Record<string, string> };
  results.submission = {
    ...results.submission,
    repository: job.repository,
    sha: job.sha,
    attemptId: job.attempt,
  };
  const text = `${JSON.stringify(results, null, 2)}\n`;
  return { results: strToU8(text), signature: strToU8(signResults(resultsKey, text)) };
}

/** One matrix job as the runner runs it: the bundled action on the passing M4 example; its output files. */
export async function runActionJob(
  root: string,
  job: { attempt: string; repository: string; sha: string; assignment: string },
  resultsKey: string,
): Promise<{ results: Uint8Array; signature: Uint8Array }> {
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-runner-'));
  try {
    // The runner creates the step's summary and output files before the step starts.
    await writeFile(path.join(workspace, 'summary.md'), '');
    await writeFile(path.join(workspace, 'output.txt'), '');
    await run(process.execPath, [path.join(root, 'dist', 'index.cjs')], {
      cwd: workspace,
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
        GITHUB_OUTPUT: path.join(workspace, 'output.txt'),
        INPUT_CONFIG: path.join(root, 'examples', 'course', 'mlgrade.yml'),
        INPUT_SUBMISSION: path.join(root, 'examples', 'submissions', 'm4-passing'),
        INPUT_DATA: path.join(root, 'examples', 'hidden-data'),
        INPUT_ASSIGNMENT: job.assignment,
        'INPUT_ATTEMPT-ID': job.attempt,
        INPUT_REPOSITORY: job.repository,
        INPUT_SHA: job.sha,
        INPUT_RESULTS: 'mlgrade-results.json',
        'INPUT_RESULTS-KEY': resultsKey,
      },
      timeout: 60_000,
    });
    return {
      results: await readFile(path.join(workspace, 'mlgrade-results.json')),
      signature: await readFile(path.join(workspace, 'mlgrade-results.json.sig')),
    };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

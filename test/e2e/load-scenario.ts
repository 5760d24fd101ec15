/**
 * The load and fault harness (issue 12, part 7), shared by `npm run bench:burst`,
 * `npm run bench:faults` and their reduced versions in `npm test`: the real app processes
 * (build/src/app.js) against the GitHub fake on 127.0.0.1, which enforces GitHub's secondary limits
 * on content-creating requests (80 a minute and 500 an hour, both scaled) and counts violations.
 *
 * 1. Start the fake (fast runner, faults) and the app's replicas with every time-valued tuning
 *    variable divided by the scale (scaledEnv).
 * 2. Send the pushes, spread evenly over `burstMs`, each delivery to every replica with one delivery
 *    id; SIGKILL the first replica once `killAfterPushes` were sent and start a new one on the same
 *    ledger; redeliver pushes no replica accepted, as an operator would from the app's settings
 *    (workflow_run deliveries an app missed are not redelivered: the app must poll for them).
 * 3. Wait until every student's newest push has a completed check run, none is left open and no
 *    write came for `settleMs` (bounded by `drainTimeoutMs`); read the figures; stop everything.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type AppProcess, startAppProcess } from './app-process.js';
import { pushOf, shaOf, startFastFake } from './burst-setup.js';
import type { FakeOptions, GitHubFake } from './github-fake.js';
import { type LoadFigures, readLoadFigures } from './load-figures.js';

/** GitHub's documented secondary limits on content-creating requests. */
export const GITHUB_LIMITS = { perMinute: 80, perHour: 500 } as const;

/** One scenario of the harness. */
export interface LoadScenario {
  name: string;
  /** Students, one repository each. */
  students: number;
  /** How many of them push more than once, and how many times they push. */
  repeaters: number;
  pushesPerRepeater: number;
  /** The pushes are sent evenly spread over this long (real milliseconds). */
  burstMs: number;
  /** Time runs `scale` times faster than GitHub's: its limits' windows and the app's timings shrink. */
  scale: number;
  faults?: FakeOptions['faults'];
  /** SIGKILL the first replica once this many pushes were sent, then start a new one on its ledger. */
  killAfterPushes?: number;
  /** App processes receiving the same deliveries (default 1); more than one needs `databaseUrl`. */
  replicas?: number;
  /** Each delivery sent this many times, at once, to every replica (default 1): duplicate deliveries. */
  copies?: number;
  /** PostgreSQL for the ledger; PGlite in a temporary directory without it. */
  databaseUrl?: string;
  /** Upper bound on the whole wait for the drain (real milliseconds). */
  drainTimeoutMs: number;
  /** How long no content write may come before the drain counts as over (default 3 s). */
  settleMs?: number;
  /** Progress lines (benches print them; tests do not). */
  progress?: (line: string) => void;
}

/**
 * The app's environment for a time scale: GitHub's minute and hour (and with them the app's budget)
 * and every time-valued tuning variable but the runner timeouts divided by `scale`, so that recovery happens within the run
 * as it would within hours at full scale.
 */
export function scaledEnv(scale: number): Record<string, string> {
  const seconds = (value: number) => String(value / scale);
  return {
    MLGRADE_GITHUB_WRITES_PER_MINUTE: String(GITHUB_LIMITS.perMinute),
    MLGRADE_GITHUB_WRITES_PER_HOUR: String(GITHUB_LIMITS.perHour),
    MLGRADE_GITHUB_WRITE_WINDOW_SECONDS: seconds(60),
    MLGRADE_SWEEP_SECONDS: seconds(60),
    MLGRADE_STRANDED_AFTER_SECONDS: seconds(180),
    MLGRADE_POLL_RUNS_AFTER_SECONDS: seconds(900),
    MLGRADE_OUTBOX_LEASE_SECONDS: seconds(120),
    MLGRADE_STALE_DELIVERY_SECONDS: seconds(300),
    // Runner timeouts are not GitHub's limits: a deadline's backlog makes attempts wait far longer
    // than 30 scaled minutes (15 s at 120×) for their writes, and timing them out for it would be the
    // harness's doing. Three real minutes still end a run that never starts within the bench.
    MLGRADE_QUEUED_TIMEOUT_MINUTES: '3',
    MLGRADE_RUNNING_TIMEOUT_MINUTES: '3',
    LOG_LEVEL: 'warn',
  };
}

/** The fake's limits at a time scale: 80 per scaled minute, 500 per scaled hour. */
export function scaledLimits(scale: number) {
  return {
    perWindow: GITHUB_LIMITS.perMinute,
    windowMs: 60_000 / scale,
    perHour: GITHUB_LIMITS.perHour,
    hourMs: 3_600_000 / scale,
  };
}

/** Each student's pushes, in the order they are sent: every first push, then the second ones, … */
export function pushSchedule(scenario: LoadScenario): { student: number; push: number }[] {
  const schedule: { student: number; push: number }[] = [];
  for (let push = 1; push <= Math.max(1, scenario.pushesPerRepeater); push++)
    for (let student = 0; student < scenario.students; student++)
      if (push === 1 || student < scenario.repeaters) schedule.push({ student, push });
  return schedule;
}

/** The newest push of a student in `scenario`. */
export const newestPush = (scenario: LoadScenario, student: number) =>
  student < scenario.repeaters ? scenario.pushesPerRepeater : 1;

/** Runs one scenario to its end (bounded) and returns its figures; stops every process it started. */
export async function runLoadScenario(root: string, scenario: LoadScenario): Promise<LoadFigures> {
  const say = scenario.progress ?? (() => {});
  const secret = `load-${randomUUID()}`;
  const replicas = scenario.replicas ?? 1;
  if (replicas > 1 && !scenario.databaseUrl) throw new Error('replicas share a ledger: give databaseUrl');
  const limits = scaledLimits(scenario.scale);
  const fake = await startFastFake(root, secret, {
    writeLimit: limits,
    ...(scenario.faults ? { faults: scenario.faults } : {}),
  });
  const dataDir = scenario.databaseUrl ? undefined : await mkdtemp(path.join(os.tmpdir(), 'mlgrade-load-'));
  const ledger = scenario.databaseUrl ? { databaseUrl: scenario.databaseUrl } : { dataDir: dataDir! };
  const env = scaledEnv(scenario.scale);
  const apps: AppProcess[] = [];
  const start = () => startAppProcess(root, fake.url, secret, { env, ...ledger });
  const run = new SentPushes(fake);
  try {
    for (let i = 0; i < replicas; i++) apps.push(await start());
    const live = () => apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null);
    const copies = scenario.copies ?? 1;
    const retarget = () =>
      (fake.options.webhookUrls = live().flatMap((app) => Array<string>(copies).fill(app.webhookUrl)));
    retarget();
    say(`${scenario.name}: ${replicas} app process(es) up; sending ${pushSchedule(scenario).length} pushes`);

    const started = performance.now();
    let restarted: Promise<void> | undefined;
    const kills = { count: 0 };
    await run.send(root, scenario, (sent) => {
      if (scenario.killAfterPushes === undefined || sent !== scenario.killAfterPushes) return;
      const victim = apps[0]!;
      victim.child.kill('SIGKILL');
      kills.count += 1;
      say(`${scenario.name}: SIGKILL of the app after ${sent} pushes; restarting on the same ledger`);
      restarted = (async () => {
        await victim.exited;
        retarget();
        apps.push(await start());
        retarget();
        say(`${scenario.name}: new app process up`);
      })();
    });
    await restarted;
    const burstMs = performance.now() - started;
    say(`${scenario.name}: burst sent in ${(burstMs / 1000).toFixed(1)} s; redelivering failed pushes`);
    await run.redeliverFailed(3);

    const done = () => drained(fake, scenario);
    const settleMs = scenario.settleMs ?? 3_000;
    const deadline = started + scenario.drainTimeoutMs;
    let lastReport = 0;
    while (performance.now() < deadline) {
      const quiet = performance.now() - lastWriteAt(fake, started);
      // Drained: every check run done and nothing left in the outbox (the comments go last, and a
      // full hour's budget can hold them back for longer than any quiet spell).
      if (done().ok && quiet >= settleMs && (await outboxPending(live())) === 0) break;
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        say(`${scenario.name}: ${done().summary}, ${fake.writes} writes so far`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const metrics = await readMetrics(live());
    return readLoadFigures({
      scenario,
      fake,
      limits,
      startedAt: started,
      burstMs,
      drainEndAt: lastWriteAt(fake, started),
      drained: done().ok && (await outboxPending(live())) === 0,
      metrics,
      pushes: { scheduled: pushSchedule(scenario).length, ...run.figures() },
      kills: kills.count,
      replicas,
      appOutput: apps.map((app) => app.output().slice(-3000)).join('\n---\n'),
    });
  } finally {
    for (const app of apps) await app.stop();
    await fake.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

/** The pushes sent, their deliveries and their redeliveries. */
class SentPushes {
  private readonly failed = new Map<string, { payload: unknown }>();
  private readonly accepted = new Set<string>();
  private sent = 0;
  private redelivered = 0;
  constructor(private readonly fake: GitHubFake) {}

  /** Sends the schedule evenly over the burst, at most 64 deliveries in flight; `onSent` after each. */
  async send(root: string, scenario: LoadScenario, onSent: (sent: number) => void): Promise<void> {
    const schedule = pushSchedule(scenario);
    const spacing = scenario.burstMs / schedule.length;
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (const [index, { student, push }] of schedule.entries()) {
      const wait = started + index * spacing - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      while (inFlight.size >= 64) await Promise.race(inFlight);
      const id = randomUUID();
      const payload = pushOf(root, student, push);
      const delivery = this.deliver(id, payload).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
      this.sent += 1;
      onSent(this.sent);
    }
    await Promise.all(inFlight);
  }

  /** Redelivers (same delivery id) the pushes no replica accepted, up to `rounds` times. */
  async redeliverFailed(rounds: number): Promise<void> {
    for (let round = 0; round < rounds && this.failed.size > 0; round++) {
      const retry = [...this.failed];
      this.redelivered += retry.length;
      for (const [id, { payload }] of retry) await this.deliver(id, payload);
      if (this.failed.size > 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }

  private async deliver(id: string, payload: unknown): Promise<void> {
    const answers = await this.fake.deliver('push', payload, { id });
    if (answers.some((answer) => answer.status >= 200 && answer.status < 300)) {
      this.accepted.add(id);
      this.failed.delete(id);
    } else this.failed.set(id, { payload });
  }

  figures() {
    return {
      sent: this.sent,
      received: this.accepted.size,
      redelivered: this.redelivered,
      neverAccepted: this.failed.size,
    };
  }
}

/** Whether every student's newest push has a completed check run and none is open. */
function drained(fake: GitHubFake, scenario: LoadScenario): { ok: boolean; summary: string } {
  const runs = [...fake.checkRuns.values()];
  const completedShas = new Set(runs.filter((run) => run.status === 'completed').map((run) => run.head_sha));
  let completed = 0;
  for (let student = 0; student < scenario.students; student++)
    if (completedShas.has(shaOf(student, newestPush(scenario, student)))) completed += 1;
  const open = runs.filter((run) => run.status !== 'completed').length;
  return {
    ok: completed === scenario.students && open === 0,
    summary: `${completed}/${scenario.students} newest pushes completed, ${open} check runs open`,
  };
}

/** performance.now() of the last content write the fake accepted (or `since` when none). */
function lastWriteAt(fake: GitHubFake, since: number): number {
  for (let i = fake.log.length - 1; i >= 0; i--) {
    const request = fake.log[i]!;
    if (request.method !== 'GET' && !request.path.includes('/access_tokens') && !request.overLimit)
      return request.arrived;
  }
  return since;
}

/** Outbox rows still pending, as the app's /metrics says (the ledger is shared: one read is enough). */
async function outboxPending(apps: AppProcess[]): Promise<number> {
  const metrics = await readMetrics(apps);
  return metrics['mlgrade_outbox_writes.pending'] ?? Number.POSITIVE_INFINITY;
}

/** The app's /metrics, summed over the live replicas' reads (the ledger is shared: one read is enough). */
async function readMetrics(apps: AppProcess[]): Promise<Record<string, number>> {
  for (const app of apps) {
    const text = await fetch(`${app.baseUrl}/metrics`).then(
      (r) => (r.ok ? r.text() : ''),
      () => '',
    );
    if (!text) continue;
    const values: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const match = /^(mlgrade_(?:attempts|outbox_writes))\{state="([a-z_]+)"\} (\d+(?:\.\d+)?)$/.exec(line);
      if (match) values[`${match[1]}.${match[2]}`] = Number(match[3]);
    }
    return values;
  }
  return {};
}

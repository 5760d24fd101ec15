/**
 * The load harness's figures (issue 12), read from the GitHub fake's state and the app's /metrics
 * at the end of a scenario, the invariants among them, and the table the benches print.
 *
 * Floor: the least time GitHub's scaled limits allow for the writes the fake accepted,
 * max(writes ÷ (80 per scaled minute), writes ÷ (500 per scaled hour)); the drain ratio is the time
 * from the first push sent to the last content write accepted, divided by that floor.
 */

import { shaOf } from './burst-setup.js';
import type { GitHubFake } from './github-fake.js';
import type { LoadScenario } from './load-scenario.js';

/** What one scenario measured; `failures` lists the invariants that did not hold. */
export interface LoadFigures {
  scenario: string;
  scale: number;
  replicas: number;
  kills: number;
  limits: { perWindow: number; windowMs: number; perHour: number; hourMs: number };
  pushes: { scheduled: number; sent: number; received: number; redelivered: number; neverAccepted: number };
  attemptsRecorded: number | null;
  students: number;
  /** Students whose newest push has a successful completed check run. */
  studentsLatestGraded: number;
  /** Students whose newest push has a completed check run, whatever its conclusion. */
  studentsLatestCompleted: number;
  latestConclusions: Record<string, number>;
  duplicateCheckRuns: number;
  duplicateComments: number;
  checkRunsLeftOpen: number;
  violations: { minute: number; hour: number };
  writes: { total: number; perPush: number; perAttempt: number | null; byKind: Record<string, number> };
  drain: { ms: number; floorMs: number; ratio: number; drained: boolean };
  ackMs: { p50: number; p99: number; n: number; notAnswered: number };
  injected: GitHubFake['injected'];
  workflowRunsUndelivered: number;
  outbox: Record<string, number>;
  failures: string[];
}

interface FigureSources {
  scenario: LoadScenario;
  fake: GitHubFake;
  limits: { perWindow: number; windowMs: number; perHour: number; hourMs: number };
  startedAt: number;
  burstMs: number;
  drainEndAt: number;
  drained: boolean;
  metrics: Record<string, number>;
  pushes: { scheduled: number; sent: number; received: number; redelivered: number; neverAccepted: number };
  kills: number;
  replicas: number;
  appOutput: string;
}

/** The figures and the invariants' verdicts for one finished scenario. */
export function readLoadFigures(sources: FigureSources): LoadFigures & { appOutput: string } {
  const { scenario, fake, limits } = sources;
  const runs = [...fake.checkRuns.values()];
  const latestConclusions: Record<string, number> = {};
  let graded = 0;
  let completed = 0;
  for (let student = 0; student < scenario.students; student++) {
    const sha = shaOf(student, student < scenario.repeaters ? scenario.pushesPerRepeater : 1);
    const done = runs.filter((run) => run.head_sha === sha && run.status === 'completed');
    if (done.length === 0) continue;
    completed += 1;
    if (done.some((run) => run.conclusion === 'success')) graded += 1;
    const conclusion = String(done[0]!.conclusion);
    latestConclusions[conclusion] = (latestConclusions[conclusion] ?? 0) + 1;
  }
  const perCommit = countBy(runs.map((run) => String(run.head_sha)));
  const perRepository = countBy([...fake.comments.values()].map((comment) => String(comment.repository)));
  const writes = fake.writes;
  const attempts = sumOf(sources.metrics, 'mlgrade_attempts.');
  // The least time GitHub's rolling windows allow for these writes: a window holds `per` writes, so
  // the first `per` may go at once and each further `per` waits one more window.
  const floorMs = Math.max(
    Math.floor(Math.max(writes - 1, 0) / limits.perWindow) * limits.windowMs,
    Math.floor(Math.max(writes - 1, 0) / limits.perHour) * limits.hourMs,
  );
  const drainMs = sources.drainEndAt - sources.startedAt;
  const acks = fake.deliveries.filter((d) => d.event === 'push' && d.status !== 0).map((d) => d.ms);
  const figures: LoadFigures = {
    scenario: scenario.name,
    scale: scenario.scale,
    replicas: sources.replicas,
    kills: sources.kills,
    limits,
    pushes: { ...sources.pushes },
    attemptsRecorded: attempts,
    students: scenario.students,
    studentsLatestGraded: graded,
    studentsLatestCompleted: completed,
    latestConclusions,
    duplicateCheckRuns: [...perCommit.values()].filter((n) => n > 1).length,
    duplicateComments: [...perRepository.values()].filter((n) => n > 1).length,
    checkRunsLeftOpen: runs.filter((run) => run.status !== 'completed').length,
    violations: { ...fake.violationsBy },
    writes: {
      total: writes,
      perPush: round(writes / Math.max(1, sources.pushes.received)),
      perAttempt: attempts ? round(writes / attempts) : null,
      byKind: writesByKind(fake),
    },
    drain: {
      ms: Math.round(drainMs),
      floorMs: Math.round(floorMs),
      ratio: round(drainMs / floorMs),
      drained: sources.drained,
    },
    ackMs: {
      p50: round(percentile(acks, 0.5)),
      p99: round(percentile(acks, 0.99)),
      n: acks.length,
      notAnswered: fake.deliveries.filter((d) => d.event === 'push' && d.status === 0).length,
    },
    injected: { ...fake.injected },
    workflowRunsUndelivered: fake.undelivered.length,
    outbox: Object.fromEntries(
      Object.entries(sources.metrics)
        .filter(([key]) => key.startsWith('mlgrade_outbox_writes.'))
        .map(([key, value]) => [key.slice('mlgrade_outbox_writes.'.length), value]),
    ),
    failures: [],
  };
  figures.failures = invariantFailures(figures, scenario);
  return { ...figures, appOutput: sources.appOutput };
}

/**
 * The invariants (not the targets): no push lost (every push accepted, every student's newest push
 * completed; graded, unless a run-level fault was injected), no duplicate check run or comment, no
 * check run left open, no write over GitHub's limits.
 */
export function invariantFailures(figures: LoadFigures, scenario: LoadScenario): string[] {
  const failures: string[] = [];
  const runFaults =
    (scenario.faults?.neverStartRuns?.length ?? 0) + (scenario.faults?.expiredArtifactRuns?.length ?? 0);
  if (figures.pushes.neverAccepted > 0)
    failures.push(`${figures.pushes.neverAccepted} push(es) never accepted`);
  if (figures.studentsLatestCompleted !== figures.students)
    failures.push(
      `${figures.students - figures.studentsLatestCompleted} student(s) lost: newest push not completed`,
    );
  if (runFaults === 0 && figures.studentsLatestGraded !== figures.students)
    failures.push(
      `${figures.students - figures.studentsLatestGraded} student(s) whose newest push was not graded`,
    );
  if (figures.duplicateCheckRuns > 0)
    failures.push(`${figures.duplicateCheckRuns} commit(s) with duplicate check runs`);
  if (figures.duplicateComments > 0)
    failures.push(`${figures.duplicateComments} PR(s) with duplicate comments`);
  if (figures.checkRunsLeftOpen > 0)
    failures.push(`${figures.checkRunsLeftOpen} check run(s) left queued or in progress`);
  const { minute, hour } = figures.violations;
  if (minute + hour > 0) failures.push(`${minute} per-minute and ${hour} per-hour write-limit violation(s)`);
  return failures;
}

/** The figures as a two-column table per scenario, with the targets of issue 12 where it sets one. */
export function formatLoadFigures(figures: LoadFigures): string {
  const f = figures;
  const rows: [string, string][] = [
    [
      'time scale',
      `${f.scale}× (minute = ${f.limits.windowMs / 1000} s, hour = ${f.limits.hourMs / 1000} s; app timings ÷ ${f.scale})`,
    ],
    ['limits enforced by the fake', `${f.limits.perWindow}/scaled minute, ${f.limits.perHour}/scaled hour`],
    ['replicas / SIGKILLs', `${f.replicas} / ${f.kills}`],
    [
      'pushes sent / received / redelivered',
      `${f.pushes.sent} / ${f.pushes.received} / ${f.pushes.redelivered}`,
    ],
    ['attempts recorded', String(f.attemptsRecorded ?? 'n/a')],
    [
      'students / newest push graded / completed',
      `${f.students} / ${f.studentsLatestGraded} / ${f.studentsLatestCompleted}`,
    ],
    ['newest push conclusions', JSON.stringify(f.latestConclusions)],
    ['duplicate check runs / comments (0)', `${f.duplicateCheckRuns} / ${f.duplicateComments}`],
    ['check runs left queued or in progress (0)', String(f.checkRunsLeftOpen)],
    ['write-limit violations minute / hour (0)', `${f.violations.minute} / ${f.violations.hour}`],
    ['content writes (accepted)', `${f.writes.total} ${JSON.stringify(f.writes.byKind)}`],
    [
      'content writes per push / per attempt (target ≤ 1.5)',
      `${f.writes.perPush} / ${f.writes.perAttempt ?? 'n/a'}`,
    ],
    [
      'drain / floor (target ≤ 1.1)',
      `${(f.drain.ms / 1000).toFixed(1)} s / ${(f.drain.floorMs / 1000).toFixed(1)} s = ${f.drain.ratio}${f.drain.drained ? '' : ' (NOT drained)'}`,
    ],
    [
      'webhook ack p50 / p99 (p99 < 100 ms)',
      `${f.ackMs.p50} / ${f.ackMs.p99} ms (n=${f.ackMs.n}, ${f.ackMs.notAnswered} unanswered)`,
    ],
    [
      'faults injected',
      JSON.stringify(Object.fromEntries(Object.entries(f.injected).filter(([, n]) => n > 0))),
    ],
    ['workflow_run deliveries lost (app down)', String(f.workflowRunsUndelivered)],
    ['outbox rows by state', JSON.stringify(f.outbox)],
    ['invariants', f.failures.length === 0 ? 'all held' : `FAILED: ${f.failures.join('; ')}`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [`== ${f.scenario}`, ...rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`)].join('\n');
}

/** Content writes the fake accepted, by kind. */
function writesByKind(fake: GitHubFake): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const request of fake.log) {
    // Requests answered 403 over the limits are counted as violations, not as writes.
    if (request.overLimit) continue;
    if (request.method === 'GET' || request.path.includes('/access_tokens')) continue;
    const kind = request.path.endsWith('/dispatches')
      ? 'dispatch'
      : request.path.includes('/check-runs')
        ? `check run ${request.method}`
        : request.path.includes('/comments')
          ? `comment ${request.method}`
          : `${request.method} other`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function sumOf(values: Record<string, number>, prefix: string): number | null {
  const matching = Object.entries(values).filter(([key]) => key.startsWith(prefix));
  return matching.length === 0 ? null : matching.reduce((sum, [, value]) => sum + value, 0);
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const round = (value: number) => Number(value.toFixed(2));

/**
 * Rubric rules: each criterion is scored exactly one way, refers to checks and metrics that exist,
 * and has levels that can be read top-down. Misspelled references get a "did you mean".
 */
import { didYouMean } from './did-you-mean.js';
import { checkUniqueIds, type ProblemSink, records } from './problem-sink.js';

const MODES = ['levels', 'scale', 'pass', 'manual'] as const;

type Path = (string | number)[];
type Entry = Record<string, unknown>;

/** Checks the rubric of the assignment at `base` against that assignment's checks. */
export function validateRubric(
  sink: ProblemSink,
  base: Path,
  assignment: Entry,
  metrics: ReadonlyMap<string, readonly string[]>,
): void {
  const rubricPath = [...base, 'rubric'];
  checkUniqueIds(sink, rubricPath, assignment.rubric, 'criterion');
  const checkKinds = new Map<string, unknown>();
  for (const [, check] of records(assignment.checks)) {
    if (typeof check.id === 'string' && !checkKinds.has(check.id)) checkKinds.set(check.id, check.kind);
  }
  const criteria = records(assignment.rubric);
  for (const [index, criterion] of criteria) {
    const path = [...rubricPath, index];
    const modes = MODES.filter((mode) => criterion[mode] !== undefined);
    if (modes.length !== 1) {
      const has = modes.length === 0 ? 'it has none' : `it has ${modes.join(' and ')}`;
      sink.add(
        path,
        `criterion ${name(criterion)} needs exactly one of levels, scale, pass or manual; ${has}`,
      );
    }
    checkMetric(sink, path, criterion, modes, checkKinds, metrics);
    if (typeof criterion.pass === 'string') {
      checkReference(sink, [...path, 'pass'], criterion.pass, checkKinds);
    } else if (Array.isArray(criterion.pass)) {
      for (const [at, id] of criterion.pass.entries()) {
        if (typeof id === 'string') checkReference(sink, [...path, 'pass', at], id, checkKinds);
      }
    }
    checkLevels(sink, path, criterion);
    checkScale(sink, path, criterion);
  }
  warnUnscoredChecks(sink, base, assignment, criteria);
  if (criteria.length > 0 && criteria.every(([, criterion]) => criterion.manual === true)) {
    const message = 'every criterion is manual: no points are awarded until an instructor scores them';
    sink.add(rubricPath, message, 'warning');
  }
}

/**
 * Warns on each check no criterion reads (by `pass:` or `metric:`): it runs and is shown, but
 * scores nothing, which is usually a criterion forgotten or a check id mistyped in one.
 */
function warnUnscoredChecks(
  sink: ProblemSink,
  base: Path,
  assignment: Entry,
  criteria: readonly [number, Entry][],
): void {
  // No rubric, or an all-manual one, is reported on its own: every check then scores nothing.
  if (criteria.length === 0 || criteria.every(([, criterion]) => criterion.manual === true)) return;
  const read = new Set<string>();
  for (const [, criterion] of criteria) {
    if (typeof criterion.pass === 'string') read.add(criterion.pass);
    if (Array.isArray(criterion.pass)) for (const id of criterion.pass) read.add(String(id));
    if (typeof criterion.metric === 'string') read.add(criterion.metric.split('.')[0]!);
  }
  for (const [index, check] of records(assignment.checks)) {
    if (typeof check.id !== 'string' || read.has(check.id)) continue;
    sink.add(
      [...base, 'checks', index, 'id'],
      `check "${check.id}" feeds no criterion: its result is shown but scores no points; add a criterion with \`pass: ${check.id}\` or \`metric: ${check.id}.<metric>\`, or remove the check`,
      'warning',
    );
  }
}

function name(criterion: Entry): string {
  return typeof criterion.id === 'string' ? `"${criterion.id}"` : '(no id)';
}

function checkMetric(
  sink: ProblemSink,
  path: Path,
  criterion: Entry,
  modes: readonly string[],
  checkKinds: ReadonlyMap<string, unknown>,
  metrics: ReadonlyMap<string, readonly string[]>,
): void {
  const needsMetric = modes.includes('levels') || modes.includes('scale');
  if (typeof criterion.metric !== 'string') {
    if (needsMetric && criterion.metric === undefined) {
      const mode = modes.includes('levels') ? 'levels' : 'scale';
      sink.add(
        path,
        `criterion ${name(criterion)} is scored by ${mode}, so it needs \`metric: <check id>.<metric name>\``,
      );
    }
    return;
  }
  const metricPath = [...path, 'metric'];
  if (!needsMetric && modes.length === 1) {
    sink.add(
      metricPath,
      `metric is ignored: criterion ${name(criterion)} is scored by ${modes[0]}`,
      'warning',
    );
  }
  const dot = criterion.metric.indexOf('.');
  if (dot < 0) return; // the schema's pattern already explains the expected form
  const checkId = criterion.metric.slice(0, dot);
  const metric = criterion.metric.slice(dot + 1);
  if (!checkReference(sink, metricPath, checkId, checkKinds)) return;
  const kind = checkKinds.get(checkId);
  const known = typeof kind === 'string' ? metrics.get(kind) : undefined;
  if (!known || known.length === 0 || known.some((pattern) => metricMatches(pattern, metric))) return;
  const candidates = known.map((pattern) => instantiate(pattern, metric));
  sink.add(
    metricPath,
    `check "${checkId}" (${kind}) reports no metric "${metric}"${didYouMean(metric, candidates)} (it reports: ${known.join(', ')})`,
  );
}

/** Fills each `*` of a pattern with the metric's segment at that place: `tier.*.f1` + `tier.rare.f11` → `tier.rare.f1`. */
function instantiate(pattern: string, metric: string): string {
  const segments = metric.split('.');
  return pattern
    .split('.')
    .map((part, index) => (part === '*' ? (segments[index] ?? part) : part))
    .join('.');
}

/** Whether a declared metric name matches; `*` stands for any non-empty text (`tier.*.f1`). */
export function metricMatches(pattern: string, metric: string): boolean {
  if (!pattern.includes('*')) return pattern === metric;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${source}$`).test(metric);
}

/** Reports a reference to a check id the assignment does not have; returns whether it exists. */
function checkReference(
  sink: ProblemSink,
  path: Path,
  checkId: string,
  checkKinds: ReadonlyMap<string, unknown>,
) {
  if (checkKinds.has(checkId)) return true;
  const ids = [...checkKinds.keys()];
  const available = ids.length > 0 ? ` (checks in this assignment: ${ids.join(', ')})` : '';
  sink.add(path, `no check with id "${checkId}" in this assignment${didYouMean(checkId, ids)}${available}`);
  return false;
}

function checkLevels(sink: ProblemSink, path: Path, criterion: Entry): void {
  const levels = records(criterion.levels);
  const points = typeof criterion.points === 'number' ? criterion.points : undefined;
  let previous: number | undefined;
  for (const [index, level] of levels) {
    const levelPath = [...path, 'levels', index];
    if (typeof level.min === 'number') {
      // Scoring sorts levels itself, so order is a readability warning; a repeated min is ambiguous.
      if (previous !== undefined && level.min === previous) {
        sink.add([...levelPath, 'min'], `two levels share min ${level.min}; which one applies is ambiguous`);
      } else if (previous !== undefined && level.min > previous) {
        const message = `list levels highest \`min\` first (as they are read); ${level.min} comes after ${previous}`;
        sink.add([...levelPath, 'min'], message, 'warning');
      }
      previous = level.min;
    }
    if (points !== undefined && typeof level.points === 'number' && level.points > points) {
      sink.add(
        [...levelPath, 'points'],
        `level points ${level.points} exceed the criterion's ${points} points`,
      );
    }
  }
}

function checkScale(sink: ProblemSink, path: Path, criterion: Entry): void {
  const scale = criterion.scale as Entry | undefined;
  if (!scale || typeof scale !== 'object') return;
  if (typeof scale.zero_at === 'number' && scale.zero_at === scale.full_at) {
    sink.add([...path, 'scale'], 'zero_at and full_at are equal, so the scale cannot tell values apart');
  }
}

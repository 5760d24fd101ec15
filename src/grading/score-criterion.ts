/**
 * Scores one rubric criterion from check results: by levels, a linear scale, a check passing, or an
 * instructor's manual score.
 *
 * A value that could not be measured (check errored, skipped or absent; metric absent or null) never
 * becomes 0 points: the criterion is pending and says why, so an instructor reviews it instead of a
 * student silently losing points to an infrastructure fault. A check that *failed* still measured
 * something, so its metrics are scored (a low accuracy earns the level it reaches).
 */
import type { Criterion, Level } from '../config/schema.js';
import type { CheckResult } from '../results/results-schema.js';
import {
  type CriterionScore,
  type ManualScore,
  type PendingReason,
  roundPoints,
  type ScoreSource,
} from '../results/score-types.js';

/** Label given to a value below every level of a criterion. */
export const BELOW_ALL_LEVELS = 'Below all levels';
const REVIEW = 'an instructor must review';

type Lookup<T> = { ok: true; value: T } | { ok: false; reason: PendingReason; explanation: string };
type Base = Pick<CriterionScore, 'id' | 'title' | 'maxPoints' | 'source'> & { metric?: string };

/**
 * Scores `criterion` against `checks`. A `manual` score, when given, wins over any automatic result
 * (that is how an instructor resolves a pending criterion or regrades one); it is clamped to
 * [0, criterion.points]. Throws when the criterion does not name exactly one scoring mode.
 */
export function scoreCriterion(
  criterion: Criterion,
  checks: readonly CheckResult[],
  manual?: ManualScore,
): CriterionScore {
  const automatic = scoreAutomatically(criterion, checks);
  return manual ? applyManual(automatic, manual) : automatic;
}

function scoreAutomatically(criterion: Criterion, checks: readonly CheckResult[]): CriterionScore {
  const source = scoringMode(criterion);
  const passes = passIds(criterion);
  const ref = source === 'pass' ? passes.join(', ') : criterion.metric;
  const base: Base = { id: criterion.id, title: criterion.title, maxPoints: criterion.points, source };
  if (ref !== undefined) base.metric = ref;
  if (source === 'manual') return pending(base, 'manual', "Awaiting an instructor's score.");
  if (source === 'pass') {
    return scorePass(
      base,
      passes.map((id) => findCheck(id, checks)),
    );
  }
  const found = readMetric(criterion.metric!, checks);
  if (!found.ok) return pending(base, found.reason, `${found.explanation}; ${REVIEW}.`);
  return source === 'levels'
    ? scoreLevels(base, criterion.levels!, found.value)
    : scoreScale(base, criterion.scale!, found.value);
}

function scoringMode(criterion: Criterion): ScoreSource {
  const modes: ScoreSource[] = [];
  if (criterion.levels) modes.push('levels');
  if (criterion.scale) modes.push('scale');
  if (criterion.pass !== undefined) modes.push('pass');
  if (criterion.manual) modes.push('manual');
  const [mode] = modes;
  if (modes.length !== 1 || mode === undefined) {
    throw new Error(
      `Rubric criterion "${criterion.id}" must use exactly one of levels, scale, pass or manual (found ${modes.join(', ') || 'none'}); fix the course config.`,
    );
  }
  if ((mode === 'levels' || mode === 'scale') && !criterion.metric) {
    throw new Error(
      `Rubric criterion "${criterion.id}" uses ${mode} but names no metric: add \`metric: <check id>.<metric>\`.`,
    );
  }
  return mode;
}

function scoreLevels(base: Base, levels: readonly Level[], value: number): CriterionScore {
  // Configs are meant to list levels highest first; sorting here makes any order mean the same.
  const sorted = [...levels].sort((a, b) => b.min - a.min);
  // A hair of tolerance so floating-point noise (0.7999999999999999) never costs a level.
  const level = sorted.find((l) => value >= l.min - 1e-9 * Math.max(1, Math.abs(l.min)));
  const shown = formatMetricValue(value);
  if (!level) {
    const lowest = sorted[sorted.length - 1]!;
    return {
      ...base,
      points: 0,
      status: 'scored',
      level: BELOW_ALL_LEVELS,
      value,
      explanation: `${shown} is below the lowest level (${lowest.label}, ≥ ${formatMetricValue(lowest.min)}): ${BELOW_ALL_LEVELS}, 0 points.`,
    };
  }
  const points = Math.min(level.points, base.maxPoints);
  return {
    ...base,
    points,
    status: 'scored',
    level: level.label,
    value,
    explanation: `${shown} ≥ ${formatMetricValue(level.min)} → ${level.label}, ${points} points.`,
  };
}

function scoreScale(base: Base, scale: { zero_at: number; full_at: number }, value: number): CriterionScore {
  const { zero_at: zeroAt, full_at: fullAt } = scale;
  if (zeroAt === fullAt) {
    throw new Error(
      `Rubric criterion "${base.id}": scale zero_at and full_at are both ${zeroAt}; they must differ.`,
    );
  }
  // Dividing by (full − zero) makes lower-is-better scales (full_at < zero_at) work unchanged.
  const fraction = Math.min(1, Math.max(0, (value - zeroAt) / (fullAt - zeroAt)));
  const points = roundPoints(fraction * base.maxPoints);
  return {
    ...base,
    points,
    status: 'scored',
    value,
    explanation: `${formatMetricValue(value)} on a linear scale from ${formatMetricValue(zeroAt)} (0 points) to ${formatMetricValue(fullAt)} (${base.maxPoints} points) → ${points} points.`,
  };
}

/** The check ids a `pass` criterion reads: one id, or every id of its list. */
export function passIds(criterion: Pick<Criterion, 'pass'>): string[] {
  if (criterion.pass === undefined) return [];
  return typeof criterion.pass === 'string' ? [criterion.pass] : [...criterion.pass];
}

/**
 * The check ids a scored criterion read, from its `metric`: `<check id>.<metric>` names one check; a
 * pass criterion's is its check ids joined by ", " (no dots: check ids have none). A criterion that
 * reads a hidden check is hidden with it (reports, Gradescope), so every id of a pass list counts.
 */
export function criterionCheckIds(score: Pick<CriterionScore, 'metric'>): string[] {
  const { metric } = score;
  if (metric === undefined || metric === '') return [];
  if (metric.includes('.')) return [metric.slice(0, metric.indexOf('.'))];
  return metric.split(',').map((id) => id.trim());
}

/**
 * Full points when every check passed; 0 as soon as one failed (it measured something: the others
 * cannot change that); pending while none failed but one could not judge the submission.
 */
function scorePass(base: Base, found: readonly Lookup<CheckResult>[]): CriterionScore {
  const judged = found.flatMap((lookup) => (lookup.ok ? [lookup.value] : []));
  const failed = judged.filter((check) => check.status !== 'pass');
  const unjudged = found.flatMap((lookup) => (lookup.ok ? [] : [lookup]));
  if (failed.length > 0) {
    const names = failed.map((check) => check.id).join(', ');
    const detail = failed.length === 1 ? ` ${brief(failed[0]!.summary)}` : '';
    const also = unjudged.length > 0 ? ` (${unjudged.map((lookup) => lookup.explanation).join('; ')}.)` : '';
    return {
      ...base,
      points: 0,
      status: 'scored',
      explanation: `Check${failed.length === 1 ? '' : 's'} ${names} failed: 0 points.${detail}${also}`.trim(),
    };
  }
  const first = unjudged[0];
  if (first) {
    const explanations = unjudged.map((lookup) => lookup.explanation).join('; ');
    return pending(base, first.reason, `${explanations}; ${REVIEW}.`);
  }
  const names = judged.map((check) => check.id).join(', ');
  return {
    ...base,
    points: base.maxPoints,
    status: 'scored',
    explanation:
      judged.length === 1
        ? `Check ${names} passed: full points.`
        : `Checks ${names} all passed: full points.`,
  };
}

function applyManual(automatic: CriterionScore, manual: ManualScore): CriterionScore {
  if (!Number.isFinite(manual.points)) {
    return {
      ...automatic,
      explanation: `${automatic.explanation} (A manual score that is not a number was ignored.)`,
    };
  }
  const points = roundPoints(Math.min(automatic.maxPoints, Math.max(0, manual.points)));
  const clamped =
    points !== manual.points ? ` (${manual.points} given, clamped to 0–${automatic.maxPoints})` : '';
  const replaced =
    automatic.source === 'manual' ? '' : ` Replaces the automatic result: ${automatic.explanation}`;
  const { level: _level, pendingReason: _reason, ...rest } = automatic;
  const score: CriterionScore = {
    ...rest,
    points,
    status: 'scored',
    source: 'manual',
    explanation: `Scored by ${manual.by ?? 'an instructor'}${clamped}${manual.note ? `: ${manual.note}` : '.'}${replaced}`,
  };
  if (manual.note !== undefined) score.note = manual.note;
  if (manual.by !== undefined) score.by = manual.by;
  return score;
}

function pending(base: Base, reason: PendingReason, explanation: string): CriterionScore {
  return { ...base, points: null, status: 'pending', pendingReason: reason, explanation };
}

function findCheck(checkId: string, checks: readonly CheckResult[]): Lookup<CheckResult> {
  const check = checks.find((c) => c.id === checkId);
  if (!check)
    return { ok: false, reason: 'check-missing', explanation: `Check ${checkId} did not run (no result)` };
  if (check.status === 'error') {
    return {
      ok: false,
      reason: 'check-error',
      explanation: `Check ${checkId} errored: ${brief(check.summary)}`,
    };
  }
  if (check.status === 'skipped') {
    return {
      ok: false,
      reason: 'check-skipped',
      explanation: `Check ${checkId} was skipped: ${brief(check.summary)}`,
    };
  }
  return { ok: true, value: check };
}

/** Reads `<check id>.<metric>`; metric names may contain dots (`tier.rare.f1`), check ids may not. */
function readMetric(ref: string, checks: readonly CheckResult[]): Lookup<number> {
  const dot = ref.indexOf('.');
  const checkId = dot < 0 ? ref : ref.slice(0, dot);
  const name = dot < 0 ? '' : ref.slice(dot + 1);
  const found = findCheck(checkId, checks);
  if (!found.ok) return found;
  const value = Object.hasOwn(found.value.metrics, name) ? found.value.metrics[name] : undefined;
  if (value === undefined) {
    return {
      ok: false,
      reason: 'metric-missing',
      explanation: `Check ${checkId} reported no metric "${name}"`,
    };
  }
  if (value === null || !Number.isFinite(value)) {
    const what = value === null ? 'null (not measured)' : String(value);
    return {
      ok: false,
      reason: 'metric-missing',
      explanation: `Check ${checkId} reported ${name} as ${what}`,
    };
  }
  return { ok: true, value };
}

/** A check summary cut short enough to sit in a rubric explanation. */
function brief(summary: string): string {
  const line = summary.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** Formats a metric value for people: integers as is, others to 6 significant digits, no exponent. */
export function formatMetricValue(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return String(Number(value.toFixed(2)));
  const text = String(Number(value.toPrecision(6)));
  // toPrecision leaves tiny values in exponent form (1e-7); fixed notation reads better in a table.
  return text.includes('e') ? value.toFixed(10).replace(/0+$/, '') : text;
}

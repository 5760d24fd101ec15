/**
 * The score contract: what rubric scoring makes of one submission's check results. Defined as TypeBox
 * schemas (types derived from them) so a score can be embedded in JSON output, stored in the ledger
 * and validated when read back, like the results file.
 */
import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';

/** A union of string literals, described as `a | b | c`. */
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
function literalUnion<const T extends readonly string[]>(values: T): TUnion<Literals<T>> {
  const literals = values.map((value) => Type.Literal(value)) as Literals<T>;
  return Type.Union(literals, { description: values.join(' | ') }) as TUnion<Literals<T>>;
}

/** Version of the score format; bump on any incompatible change. */
export const SCORE_SCHEMA_VERSION = 1;

/** How a criterion got its points: a level table, a linear scale, a check passing, or an instructor. */
export const ScoreSourceSchema = literalUnion(['levels', 'scale', 'pass', 'manual']);
export type ScoreSource = Static<typeof ScoreSourceSchema>;

/**
 * `scored`: points are final. `pending`: points are null and an instructor has to act, either because
 * the criterion is manual or because the value it needs could not be measured (see `pendingReason`).
 */
export const CriterionStatusSchema = literalUnion(['scored', 'pending']);
export type CriterionStatus = Static<typeof CriterionStatusSchema>;

/** Why a criterion is pending; lets reports tell "awaiting a grader" from "something broke". */
export const PendingReasonSchema = literalUnion([
  'manual',
  'check-error',
  'check-skipped',
  'check-missing',
  'metric-missing',
]);
export type PendingReason = Static<typeof PendingReasonSchema>;

/** The score of one rubric criterion. */
export const CriterionScoreSchema = Type.Object(
  {
    id: Type.String({ description: 'Criterion id from the rubric.' }),
    title: Type.String({ description: 'Criterion title from the rubric.' }),
    maxPoints: Type.Number({ minimum: 0 }),
    points: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: 'Null while pending.' }),
    status: CriterionStatusSchema,
    pendingReason: Type.Optional(PendingReasonSchema),
    source: ScoreSourceSchema,
    level: Type.Optional(Type.String({ description: 'Level label reached, e.g. "Exemplary".' })),
    value: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'The metric value used.' })),
    metric: Type.Optional(Type.String({ description: 'The `<check id>.<metric>` or check id it reads.' })),
    note: Type.Optional(Type.String({ description: "The instructor's note on a manual score." })),
    by: Type.Optional(Type.String({ description: 'Who gave the manual score.' })),
    explanation: Type.String({ description: 'One sentence saying how the points came about.' }),
  },
  { additionalProperties: false },
);
export type CriterionScore = Static<typeof CriterionScoreSchema>;

/**
 * How the deadline applied. `no-deadline`: the assignment has no `due`. `unknown`: it has one but the
 * submission time is unknown, so no penalty was applied (and the report says so).
 */
export const LateStatusSchema = literalUnion(['no-deadline', 'unknown', 'on-time', 'late', 'rejected']);
export type LateStatus = Static<typeof LateStatusSchema>;

/** The late-policy outcome for one submission. */
export const LateAssessmentSchema = Type.Object(
  {
    status: LateStatusSchema,
    due: Type.Optional(Type.String({ format: 'date-time', description: 'Due instant (UTC, ISO 8601).' })),
    submittedAt: Type.Optional(Type.String({ format: 'date-time' })),
    minutesLate: Type.Number({ minimum: 0, description: 'Minutes past due plus grace (0 when on time).' }),
    daysLate: Type.Integer({ minimum: 0, description: 'Started days late after grace.' }),
    percent: Type.Number({ minimum: 0, maximum: 100, description: 'Deduction, in percent of max points.' }),
    deduction: Type.Number({
      minimum: 0,
      description: 'Deduction in points (before flooring the total at 0).',
    }),
    explanation: Type.String(),
  },
  { additionalProperties: false },
);
export type LateAssessment = Static<typeof LateAssessmentSchema>;

/** The score of one submission of one assignment. */
export const AssignmentScoreSchema = Type.Object(
  {
    scoreVersion: Type.Literal(SCORE_SCHEMA_VERSION),
    assignment: Type.String({ description: 'Assignment id.' }),
    criteria: Type.Array(CriterionScoreSchema),
    earnedPoints: Type.Number({ minimum: 0, description: 'Sum of scored criteria, before the late policy.' }),
    points: Type.Number({
      minimum: 0,
      description: 'Final points: earned minus late deduction, floored at 0.',
    }),
    maxPoints: Type.Number({ minimum: 0 }),
    percent: Type.Number({ minimum: 0, description: 'Final points in percent of max points.' }),
    pendingPoints: Type.Number({ minimum: 0, description: 'Max points of the pending criteria.' }),
    complete: Type.Boolean({ description: 'True when no criterion is pending.' }),
    late: LateAssessmentSchema,
  },
  {
    $id: 'https://mlgrade.dev/schemas/score-v1.json',
    title: 'mlgrade score',
    description: 'The rubric score of one submission.',
    additionalProperties: false,
  },
);
export type AssignmentScore = Static<typeof AssignmentScoreSchema>;

/** An instructor's score for one criterion (from `/mlgrade score`), keyed by criterion id. */
export interface ManualScore {
  points: number;
  note?: string;
  /** Who gave it (a GitHub login or name); shown in reports. */
  by?: string;
}

/** Rounds points to 2 decimals, the precision every score is kept at; nudged so 0.005 rounds up. */
export function roundPoints(x: number): number {
  return Math.round((x + Number.EPSILON * Math.sign(x)) * 100) / 100;
}

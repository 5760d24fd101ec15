/**
 * The course config (`mlgrade.yml`) schema: the single source of truth for what a config may say.
 * TypeScript types are derived from it, `schemas/mlgrade-config.schema.json` is generated from it
 * (and tested to be current), and `mlgrade validate` checks configs against it.
 *
 * Rules that JSON Schema cannot say well (exactly one scoring mode per criterion, references between
 * rubric and checks) live in validate-semantics.ts, with the same file:line reporting.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { CheckSpecBase } from '../checks/types.js';
import { SandboxSpecSchema } from '../sandbox/sandbox-spec.js';

/** Assignment ids are slugs, optionally namespaced by a preset: `tinytorch/milestone-4`. */
export const ASSIGNMENT_ID_PATTERN = '^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$';
/** Local date-time without offset (interpreted in the assignment's time zone) or with an explicit offset. */
export const DUE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2})?)?(Z|[+-]\\d{2}:\\d{2})?$';

const Id = (pattern: string, description: string) => Type.String({ pattern, description });

/** Late submissions: a percentage of the assignment's points taken off per started day after grace. */
export const LatePolicySchema = Type.Object(
  {
    grace_minutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Minutes after the due time that still count as on time (default 0).',
      }),
    ),
    per_day: Type.Number({
      minimum: 0,
      maximum: 100,
      description: 'Percent of the assignment points deducted per started day late.',
    }),
    max_penalty: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description: 'Cap on the total deduction, in percent (default 100).',
      }),
    ),
    reject_after_days: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'Submissions later than this many days score 0 (default: never rejected).',
      }),
    ),
  },
  { additionalProperties: false, description: 'Late policy.' },
);
export type LatePolicy = Static<typeof LatePolicySchema>;

/** How many graded attempts count and which one stands. */
export const AttemptPolicySchema = Type.Object(
  {
    max: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Graded attempts allowed (default unlimited).' }),
    ),
    keep: Type.Optional(
      Type.Union([Type.Literal('best'), Type.Literal('last')], {
        description: 'Which attempt counts: best or last (default best).',
      }),
    ),
  },
  { additionalProperties: false, description: 'Attempt policy.' },
);
export type AttemptPolicy = Static<typeof AttemptPolicySchema>;

/** One performance level: values at or above `min` earn `points` and `label`. */
export const LevelSchema = Type.Object(
  {
    min: Type.Number({ description: 'Lowest metric value that reaches this level (inclusive).' }),
    points: Type.Number({ minimum: 0, description: 'Points awarded at this level.' }),
    label: Type.String({ minLength: 1, description: 'Level name, e.g. "Exemplary".' }),
  },
  { additionalProperties: false },
);
export type Level = Static<typeof LevelSchema>;

/** A linear scale: 0 points at `zero_at`, full points at `full_at`, clamped in between. */
export const ScaleSchema = Type.Object(
  {
    zero_at: Type.Number({ description: 'Metric value worth 0 points.' }),
    full_at: Type.Number({
      description: 'Metric value worth full points (may be below zero_at for lower-is-better).',
    }),
  },
  { additionalProperties: false },
);
export type Scale = Static<typeof ScaleSchema>;

/**
 * One rubric criterion. Exactly one of `levels`, `scale`, `pass` or `manual` says how it is scored;
 * `levels` and `scale` read `metric`.
 */
export const CriterionSchema = Type.Object(
  {
    id: Id('^[a-z0-9][a-z0-9_-]*$', 'Unique within the rubric.'),
    title: Type.String({ minLength: 1, description: 'Shown in the rubric table.' }),
    points: Type.Number({ exclusiveMinimum: 0, description: 'Maximum points for this criterion.' }),
    description: Type.Optional(Type.String({ description: 'What the criterion rewards.' })),
    metric: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_-]*\\.[A-Za-z0-9_.*-]+$',
        description: 'The measured value, as `<check id>.<metric name>`, e.g. `hidden-test.accuracy`.',
      }),
    ),
    levels: Type.Optional(
      Type.Array(LevelSchema, { minItems: 1, description: 'Threshold levels, highest first.' }),
    ),
    scale: Type.Optional(ScaleSchema),
    pass: Type.Optional(
      Type.Union(
        [
          Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' }),
          Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' }), { minItems: 1, uniqueItems: true }),
        ],
        {
          description:
            'Full points when this check passes (or, given a list, when every listed check passes), 0 when one fails.',
        },
      ),
    ),
    manual: Type.Optional(
      Type.Literal(true, { description: 'Scored by an instructor (`/mlgrade score`); pending until then.' }),
    ),
  },
  { additionalProperties: false },
);
export type Criterion = Static<typeof CriterionSchema>;

/** Where an assignment's grades go in the LMS (docs/lms.md). */
export const AssignmentLmsSchema = Type.Object(
  {
    canvas: Type.Optional(
      Type.Object(
        {
          course_id: Type.Optional(
            Type.String({
              pattern: '^[0-9]+$',
              description:
                "Canvas course id (the number in the course's URL); default `course.lms.canvas.course_id`.",
            }),
          ),
          assignment_id: Type.String({
            pattern: '^[0-9]+$',
            description: "Canvas assignment id (the number in the assignment's URL).",
          }),
        },
        { additionalProperties: false, description: 'The Canvas assignment this assignment syncs to.' },
      ),
    ),
    gradescope: Type.Optional(
      Type.Object(
        {
          assignment: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'Name of the Gradescope assignment, shown in exports.',
            }),
          ),
        },
        { additionalProperties: false, description: 'The Gradescope assignment this assignment exports to.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'Where grades of this assignment go (docs/lms.md).' },
);
export type AssignmentLms = Static<typeof AssignmentLmsSchema>;

/** Gradescope test visibility values (Gradescope autograder specification). */
const GRADESCOPE_VISIBILITY = ['hidden', 'after_due_date', 'after_published', 'visible'] as const;
const GradescopeVisibility = (description: string) =>
  Type.Union(
    GRADESCOPE_VISIBILITY.map((value) => Type.Literal(value)),
    { description },
  );

/** Course-wide LMS settings; URLs and tokens come from the app's environment, never from here. */
export const CourseLmsSchema = Type.Object(
  {
    canvas: Type.Optional(
      Type.Object(
        {
          course_id: Type.Optional(
            Type.String({
              pattern: '^[0-9]+$',
              description: 'Canvas course id, shared by every assignment.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'Canvas (base URL and token: CANVAS_URL, CANVAS_TOKEN).',
        },
      ),
    ),
    gradescope: Type.Optional(
      Type.Object(
        {
          visibility: Type.Optional(
            GradescopeVisibility('Visibility of the whole result and of visible checks (default visible).'),
          ),
          hidden_checks: Type.Optional(
            GradescopeVisibility('Visibility of checks marked `hidden: true` (default after_due_date).'),
          ),
          id_column: Type.Optional(
            Type.Union([Type.Literal('email'), Type.Literal('sid')], {
              description: 'Which roster column identifies students in score CSVs (default email).',
            }),
          ),
        },
        { additionalProperties: false, description: 'Gradescope autograder output and score exports.' },
      ),
    ),
    sync_incomplete: Type.Optional(
      Type.Boolean({
        description:
          'Send grades that still have pending criteria (default false: they are skipped and listed); the comment then says what is pending.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Grades to Canvas and Gradescope (docs/lms.md).' },
);
export type CourseLms = Static<typeof CourseLmsSchema>;

/**
 * Which branches count as submissions: branch-name globs, course-wide or per assignment (replacing the
 * course's list). match-submission.ts matches them; validate-semantics.ts rejects lists that could never count a branch.
 */
const BranchesSchema = (scope: string) =>
  Type.Array(Type.String({ minLength: 1 }), {
    description: `${scope}: branch names or globs (\`*\` within one \`/\` segment, \`**\` across them; a leading \`!\` excludes; the last pattern that matches decides, as in a workflow's \`on.push.branches\`). A pull request counts when its base branch does; tags never count.`,
  });

/** Builds the assignment schema around the check spec schema (which depends on the registry). */
function assignmentSchema(checkItem: TSchema) {
  return Type.Object(
    {
      id: Id(ASSIGNMENT_ID_PATTERN, 'Assignment id, e.g. `milestone-4` or `tinytorch/milestone-4`.'),
      title: Type.String({ minLength: 1, description: 'Shown in reports.' }),
      repository: Type.Optional(
        Type.String({
          minLength: 1,
          description:
            'Student repository name pattern; `{login}` stands for the student, `*` for anything. Example: `milestone-4-{login}`.',
        }),
      ),
      due: Type.Optional(
        Type.String({
          pattern: DUE_PATTERN,
          description: 'Due date-time, e.g. `2026-12-04T23:59` (in `timezone`).',
        }),
      ),
      timezone: Type.Optional(
        Type.String({ description: 'IANA time zone for `due` (default: the course time zone).' }),
      ),
      weight: Type.Optional(
        Type.Number({
          minimum: 0,
          description: 'Weight in the course total (default 1; relative to the others).',
        }),
      ),
      late: Type.Optional(LatePolicySchema),
      attempts: Type.Optional(AttemptPolicySchema),
      branches: Type.Optional(
        BranchesSchema(
          "Branches whose commits count as submissions to this assignment (default: the course's `branches`)",
        ),
      ),
      checks: Type.Array(checkItem, { minItems: 1, description: 'Checks run on each submission, in order.' }),
      rubric: Type.Array(CriterionSchema, { minItems: 1, description: 'How check results become points.' }),
      lms: Type.Optional(AssignmentLmsSchema),
    },
    { additionalProperties: false },
  );
}

/**
 * Builds the whole config schema. `checkSpecs` maps each registered kind to its spec schema; the
 * result validates `kind` against the registry and each check's options against its own schema.
 */
export function buildConfigSchema(checkSpecs: ReadonlyMap<string, TSchema>) {
  const kinds = [...checkSpecs.keys()];
  const checkItem = Type.Object(
    {
      kind: Type.Union(
        kinds.map((k) => Type.Literal(k)),
        { description: `Check kind: ${kinds.join(', ')}.` },
      ),
    },
    {
      required: ['id', 'kind'],
      description: 'One check. Its options depend on `kind`.',
      // if/then per kind keeps ajv's errors pointed at the offending option instead of a oneOf pile-up.
      allOf: kinds.map((kind) => ({
        if: { properties: { kind: { const: kind } }, required: ['kind'] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
        then: checkSpecs.get(kind),
      })),
    },
  );
  return Type.Object(
    {
      _extends: Type.Optional(
        Type.Union(
          [Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })],
          {
            description:
              'Base config(s) merged under this one: `preset:<name>` for a built-in preset or a path relative to this file.',
          },
        ),
      ),
      $schema: Type.Optional(Type.String({ description: 'Editor hint; ignored.' })),
      course: Type.Object(
        {
          id: Id('^[a-z0-9][a-z0-9_-]*$', 'Course id, e.g. `cs329s-fall-2026`.'),
          title: Type.String({ minLength: 1, description: 'Course title.' }),
          timezone: Type.Optional(
            Type.String({ description: 'IANA time zone for due dates (default UTC).' }),
          ),
          data_dir: Type.Optional(
            Type.String({
              description:
                'Hidden data directory, relative to this file; `--data` on the command line overrides it.',
            }),
          ),
          lms: Type.Optional(CourseLmsSchema),
          branches: Type.Optional(
            BranchesSchema(
              "Branches whose commits count as submissions, for every assignment that sets none (default: the repository's default branch only)",
            ),
          ),
          roster: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'The roster in the config repository (CSV or YAML; docs/lms.md#roster). Default: `.github/mlgrade-roster.csv`, else `.github/mlgrade-roster.yml`.',
            }),
          ),
          rescore_on_change: Type.Optional(
            Type.Union([Type.Literal('off'), Type.Literal('preview'), Type.Literal('apply')], {
              description:
                'What the app does when this config changes on the default branch: `off` (default) nothing; `preview` rescores every graded attempt from its stored results and shows who gains or loses on a check run on the config commit, with an Apply button for instructors; `apply` also stores and publishes the new scores at once (docs/lms.md#rescoring-after-a-rubric-change).',
            }),
          ),
          sandbox: Type.Optional(
            Type.Object(SandboxSpecSchema.properties, {
              additionalProperties: false,
              description:
                "Course-wide defaults for every check that runs student code (runtime, requires, limits); a check's own `sandbox:` block overrides them field by field (docs/sandbox.md).",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      assignments: Type.Array(assignmentSchema(checkItem), {
        minItems: 1,
        description: 'Assignments; with `_extends`, entries merge by `id`.',
      }),
    },
    {
      $id: 'https://mlgrade.dev/schemas/mlgrade-config.schema.json',
      title: 'mlgrade course config',
      description: 'Course, assignments, checks and rubrics graded by mlgrade (mlgrade.yml).',
      additionalProperties: false,
    },
  );
}

/** A check spec as the config holds it; each check validates and narrows its own options. */
export type CheckSpecConfig = CheckSpecBase & Record<string, unknown>;

type ConfigShape = Static<ReturnType<typeof buildConfigSchema>>;
/** A validated course config. */
export type CourseConfig = Omit<ConfigShape, 'assignments'> & { assignments: Assignment[] };
/** One validated assignment. */
export type Assignment = Omit<Static<ReturnType<typeof assignmentSchema>>, 'checks'> & {
  checks: CheckSpecConfig[];
};

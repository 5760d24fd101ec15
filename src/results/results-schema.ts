/**
 * The results contract: what one grading run of one submission produces (`mlgrade-results.json`).
 *
 * The app treats this file as untrusted input (it comes back from a runner that executed student
 * code), so every field is bounded and no extra keys are allowed. Bump RESULTS_SCHEMA_VERSION on any
 * incompatible change; readers reject versions they do not know.
 */
import { type Static, Type } from '@sinclair/typebox';
import { AssignmentScoreSchema } from './score-types.js';

/** Version of the results file format this build writes and reads. */
export const RESULTS_SCHEMA_VERSION = 1;
/** At most this many characters of log text are kept per check (the tail is kept). */
export const MAX_LOG_CHARS = 64 * 1024;
/** At most this many findings are kept per check; the rest are summarised in one finding. */
export const MAX_FINDINGS = 1000;

const Text = (maxLength: number, description: string) => Type.String({ maxLength, description });

/** Outcome of one check. `error` means the check could not judge the submission (setup or data problem). */
export const CheckStatusSchema = Type.Union(
  [Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error'), Type.Literal('skipped')],
  { description: 'pass | fail | error (could not be judged) | skipped' },
);
export type CheckStatus = Static<typeof CheckStatusSchema>;

/** Severity of a finding; the names match GitHub annotation levels once `error` maps to `failure`. */
export const FindingLevelSchema = Type.Union(
  [Type.Literal('error'), Type.Literal('warning'), Type.Literal('notice')],
  { description: 'error | warning | notice' },
);
export type FindingLevel = Static<typeof FindingLevelSchema>;

/** Something a check wants the student or instructor to see, pinned to a file and line when it can be. */
export const FindingSchema = Type.Object(
  {
    level: FindingLevelSchema,
    message: Text(4000, 'What is wrong and what to do about it.'),
    file: Type.Optional(Text(1024, 'Path relative to the submission (or the hidden data directory).')),
    line: Type.Optional(Type.Integer({ minimum: 1, description: '1-based line number.' })),
    column: Type.Optional(Type.Integer({ minimum: 1, description: '1-based column number.' })),
  },
  { additionalProperties: false },
);
export type Finding = Static<typeof FindingSchema>;

const Cell = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Null()]);

/** A table a check reports (per-class metrics, a confusion matrix); rendered generically. */
export const TableSchema = Type.Object(
  {
    id: Text(100, 'Stable identifier, e.g. "per-class".'),
    title: Text(200, 'Heading shown above the table.'),
    columns: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 1000 }),
    rows: Type.Array(Type.Array(Cell, { maxItems: 1000 }), { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type Table = Static<typeof TableSchema>;

/** The result of running one configured check on one submission. */
export const CheckResultSchema = Type.Object(
  {
    id: Text(100, 'The check id from the course config.'),
    kind: Text(100, 'The check kind, e.g. "predictions".'),
    title: Type.Optional(Text(200, 'Human title from the course config.')),
    status: CheckStatusSchema,
    summary: Text(2000, 'One line saying what the check found.'),
    metrics: Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.Number(), Type.Null()]), {
      description: 'Numeric measurements by name; rubric criteria refer to them as `<check id>.<name>`.',
    }),
    findings: Type.Array(FindingSchema, { maxItems: MAX_FINDINGS + 1 }),
    tables: Type.Array(TableSchema, { maxItems: 50 }),
    logs: Text(MAX_LOG_CHARS, 'Tail of the check log.'),
    logsTruncated: Type.Boolean(),
    durationMs: Type.Number({ minimum: 0 }),
    inputs: Type.Optional(
      Type.String({
        pattern: '^sha256:[0-9a-f]{64}$',
        description:
          "Fingerprint of the check's spec and the course's sandbox limits as graded; a rescore compares it with the config to tell whether the check must run again.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CheckResult = Static<typeof CheckResultSchema>;

/** Where grading ran: recorded so a surprising result can be traced to its environment. */
export const EnvironmentSchema = Type.Object(
  {
    mlgradeVersion: Text(50, 'Version of mlgrade that produced the file.'),
    node: Text(50, 'Node.js version.'),
    platform: Text(50, 'os.platform()-os.arch().'),
    backend: Type.Optional(Text(100, 'Inference backend used by model checks, e.g. "tfjs-wasm".')),
    device: Type.Optional(Text(200, 'Accelerator used, e.g. "cpu" or a GPU name.')),
    versions: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 100 }), {
      description: 'Versions of libraries that influence results.',
    }),
  },
  { additionalProperties: false },
);
export type Environment = Static<typeof EnvironmentSchema>;

/** The whole results file for one submission and one assignment. */
export const ResultsSchema = Type.Object(
  {
    schemaVersion: Type.Literal(RESULTS_SCHEMA_VERSION),
    course: Text(200, 'Course id from the config.'),
    assignment: Text(200, 'Assignment id from the config.'),
    submission: Type.Object(
      {
        path: Type.Optional(Text(4096, 'Directory that was graded (local runs).')),
        repository: Type.Optional(Text(300, 'owner/name of the student repository.')),
        sha: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$', description: 'Commit graded.' })),
        attemptId: Type.Optional(Text(200, 'Ledger attempt this run answers (set by the app).')),
      },
      { additionalProperties: false },
    ),
    startedAt: Type.String({ format: 'date-time', maxLength: 40 }),
    finishedAt: Type.String({ format: 'date-time', maxLength: 40 }),
    durationMs: Type.Number({ minimum: 0 }),
    environment: EnvironmentSchema,
    checks: Type.Array(CheckResultSchema, { maxItems: 200 }),
    score: Type.Optional(
      Type.Unsafe<Static<typeof AssignmentScoreSchema>>({
        ...AssignmentScoreSchema,
        $id: undefined,
        description:
          'Rubric score where the results were produced (the CLI). Informational: the app re-scores.',
      }),
    ),
  },
  {
    $id: 'https://mlgrade.dev/schemas/results-v1.json',
    title: 'mlgrade results',
    description: 'What one grading run of one submission produced (mlgrade-results.json).',
    additionalProperties: false,
  },
);
export type Results = Static<typeof ResultsSchema>;

/**
 * The one interface every check implements. Checks are pure with respect to GitHub and the Action:
 * they read the submission (and hidden data) from disk and return a CheckOutcome.
 */
import type { TSchema } from '@sinclair/typebox';
import type { CheckStatus, Finding, Table } from '../results/results-schema.js';
import type { SandboxSpec } from '../sandbox/sandbox-spec.js';

/** What a check gets to work with besides its own spec. */
export interface GradingContext {
  /** Absolute path of the submission being graded (student-controlled: hostile until proven otherwise). */
  submissionDir: string;
  /** Absolute path of the hidden data directory (labels, test sets), or undefined when none was given. */
  dataDir: string | undefined;
  /** Caps on what a check reads, so a hostile submission cannot exhaust memory. */
  limits: GradingLimits;
  /** The course-wide `sandbox:` defaults (`course.sandbox`: runtime, requires, limits); a check's own block wins. */
  sandbox?: SandboxSpec | undefined;
}

/** Size caps applied while reading student files. */
export interface GradingLimits {
  /** Largest file a check reads whole, in bytes. */
  maxFileBytes: number;
  /** Longest line accepted in a text file, in bytes. */
  maxLineBytes: number;
}

/** Defaults for {@link GradingLimits}: generous for coursework, small enough to stay safe on a 2-core runner. */
export const DEFAULT_LIMITS: GradingLimits = {
  maxFileBytes: 512 * 1024 * 1024,
  maxLineBytes: 1024 * 1024,
};

/** What a check returns; the orchestrator adds id, kind, title, timing and log capping. */
export interface CheckOutcome {
  status: CheckStatus;
  /** One line saying what was found. */
  summary: string;
  metrics?: Record<string, number | null>;
  findings?: Finding[];
  tables?: Table[];
  /** Free-form log lines; the orchestrator keeps the tail. */
  logs?: string[];
  /** Where the check ran its model (e.g. backend `tfjs-wasm`, device `cpu`); merged into the results environment. */
  environment?: { backend?: string; device?: string; versions?: Record<string, string> };
}

/** Fields every check spec in the course config has, whatever its kind. */
export interface CheckSpecBase {
  /** Unique within the assignment; rubric criteria refer to `<id>.<metric>`. */
  id: string;
  kind: string;
  title?: string;
  /** Hidden checks run and score, but their details are shown to students only after the due date. */
  hidden?: boolean;
}

/** One kind of check: its option schema, its metrics, and how to run it. */
export interface CheckDefinition<Spec extends CheckSpecBase = CheckSpecBase> {
  /** The `kind:` value in the course config. */
  kind: string;
  /** One sentence for `mlgrade validate` messages and the docs. */
  description: string;
  /** JSON Schema of the spec, including the common fields (see `checkSpec` in common-spec.ts). */
  spec: TSchema;
  /**
   * Metric names this kind reports. A name ending in `*` is a prefix (e.g. `tier.*.f1`); used to
   * catch misspelled `metric:` references in rubrics at validation time.
   */
  metrics: readonly string[];
  run(spec: Spec, context: GradingContext): Promise<CheckOutcome>;
}

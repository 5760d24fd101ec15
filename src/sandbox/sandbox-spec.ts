/**
 * The `sandbox:` options a check that runs student code accepts. Instructors set them in the course
 * config (never the student), so they are trusted; the defaults suit coursework on a shared runner.
 */
import { type Static, Type } from '@sinclair/typebox';

const Positive = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }));

/** JSON Schema of a check's `sandbox:` block. */
export const SandboxSpecSchema = Type.Object(
  {
    mode: Type.Optional(
      Type.Union(
        [Type.Literal('auto'), Type.Literal('bwrap'), Type.Literal('unshare'), Type.Literal('none')],
        {
          description:
            'auto (default: bubblewrap, else unshare, else refuse), bwrap, unshare, or none (no isolation: trusted local use only).',
        },
      ),
    ),
    memory_mb: Positive('Address-space limit of each process, in MiB (default 4096).'),
    cpu_seconds: Positive('CPU time limit of each process, in seconds (default 600).'),
    wall_seconds: Positive('Wall-clock limit of the whole run, in seconds (default 900).'),
    processes: Positive('Most processes and threads the submission may run at once (default 256).'),
    output_bytes: Positive('Most bytes of stdout + stderr before the run is stopped (default 8 MiB).'),
    tmp_mb: Positive('Size of the private /tmp, in MiB (default 512).'),
    disk_mb: Positive(
      "Disk the run may fill: its copy of the submission and what it writes there, in MiB (default 4096; a tmpfs, so it is held in the runner's memory while the run lasts).",
    ),
    gpus: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'GPUs passed through: "none" (default), "all", or a CUDA_VISIBLE_DEVICES list such as "0,1".',
      }),
    ),
    env: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
        description: 'Extra environment variables for the student command (nothing else is inherited).',
      }),
    ),
    runtime: Type.Optional(
      Type.String({
        pattern: '^(auto|system|/.+)$',
        description:
          "Python the student command runs with: `auto` (default: the grader's own python3), `system` (/usr/bin/python3), or an absolute path to an interpreter (/opt/venv/bin/python) or to an environment prefix (a virtualenv or conda directory). Mounted read-only in every sandbox mode and checked before the run.",
      }),
    ),
    requires: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$' }), {
        description:
          'Python modules the runtime must import (e.g. numpy, torch); imported in the sandbox before the student command runs, and a missing one is a runner problem (status error), not a student failure.',
      }),
    ),
    bind_ro: Type.Optional(
      Type.Array(Type.String({ pattern: '^/' }), {
        description:
          'Extra absolute paths mounted read-only (e.g. a shared dataset cache); the runtimes python3 and node are found automatically.',
      }),
    ),
  },
  { additionalProperties: false, description: 'How student code is isolated and limited (docs/sandbox.md).' },
);

/** The `sandbox:` block as written in the config. */
export type SandboxSpec = Static<typeof SandboxSpecSchema>;

/** Sandbox options with every default filled in. */
export interface SandboxPolicy {
  mode: 'auto' | 'bwrap' | 'unshare' | 'none';
  memoryMb: number;
  cpuSeconds: number;
  wallSeconds: number;
  processes: number;
  outputBytes: number;
  tmpMb: number;
  diskMb: number;
  gpus: string;
  env: Record<string, string>;
  bindReadOnly: string[];
  /** `auto`, `system`, or an absolute interpreter or environment path. */
  runtime: string;
  /** Python modules imported as a preflight before the student command. */
  requires: string[];
}

/** Fills in the defaults of a `sandbox:` block; `overrides` are the check's own defaults. */
export function sandboxPolicy(spec: SandboxSpec | undefined, overrides: Partial<SandboxPolicy> = {}) {
  const policy: SandboxPolicy = {
    mode: 'auto',
    memoryMb: 4096,
    cpuSeconds: 600,
    wallSeconds: 900,
    processes: 256,
    outputBytes: 8 * 1024 * 1024,
    tmpMb: 512,
    diskMb: 4096,
    gpus: 'none',
    env: {},
    bindReadOnly: [],
    runtime: 'auto',
    requires: [],
    ...overrides,
  };
  return {
    mode: spec?.mode ?? policy.mode,
    memoryMb: spec?.memory_mb ?? policy.memoryMb,
    cpuSeconds: spec?.cpu_seconds ?? policy.cpuSeconds,
    wallSeconds: spec?.wall_seconds ?? policy.wallSeconds,
    processes: spec?.processes ?? policy.processes,
    outputBytes: spec?.output_bytes ?? policy.outputBytes,
    tmpMb: spec?.tmp_mb ?? policy.tmpMb,
    diskMb: spec?.disk_mb ?? policy.diskMb,
    gpus: spec?.gpus ?? policy.gpus,
    env: { ...policy.env, ...spec?.env },
    bindReadOnly: [...policy.bindReadOnly, ...(spec?.bind_ro ?? [])],
    runtime: spec?.runtime ?? policy.runtime,
    requires: [...new Set([...policy.requires, ...(spec?.requires ?? [])])],
  } satisfies SandboxPolicy;
}

/**
 * A check's `sandbox:` block laid over the course-wide one (`course.sandbox`): the check's scalars
 * win, `env` merges by name, and `bind_ro` and `requires` add up, so a course can declare its runtime
 * and packages once and a check only what differs.
 */
export function mergeSandboxSpecs(course: SandboxSpec | undefined, check: SandboxSpec | undefined) {
  if (!course) return check;
  if (!check) return course;
  const merged: SandboxSpec = { ...course, ...check };
  if (course.env || check.env) merged.env = { ...course.env, ...check.env };
  if (course.bind_ro || check.bind_ro) merged.bind_ro = [...(course.bind_ro ?? []), ...(check.bind_ro ?? [])];
  if (course.requires || check.requires)
    merged.requires = [...new Set([...(course.requires ?? []), ...(check.requires ?? [])])];
  return merged;
}

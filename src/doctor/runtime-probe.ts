/**
 * The Python runtimes the course declares (`course.sandbox` and each check's `sandbox:` block) and
 * their `requires:` packages, checked the way a grade checks them: `startSandboxed` resolves the
 * runtime and runs its preflight (the interpreter starts in the sandbox and imports every module)
 * before a trivial command, so what passes here passes before a student's command too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TObject } from '@sinclair/typebox';
import { CHECKS } from '../checks/registry.js';
import type { CourseConfig } from '../config/schema.js';
import { describeRuntime, RuntimeUnavailableError, resolveRuntime } from '../sandbox/resolve-runtime.js';
import { startSandboxed } from '../sandbox/run-sandboxed.js';
import { SandboxUnavailableError } from '../sandbox/sandbox-mode.js';
import {
  mergeSandboxSpecs,
  type SandboxPolicy,
  type SandboxSpec,
  sandboxPolicy,
} from '../sandbox/sandbox-spec.js';
import type { DoctorItem } from './doctor-item.js';

/** One runtime as the checks that use it will run it. */
export interface DeclaredRuntime {
  policy: SandboxPolicy;
  /** `assignment/check` ids of the checks that run with it. */
  usedBy: string[];
}

/** True for check kinds that run student code: their spec takes a `sandbox:` block. */
function runsStudentCode(kind: string): boolean {
  const spec = CHECKS.get(kind)?.spec as TObject | undefined;
  return spec?.properties?.sandbox !== undefined;
}

/**
 * The distinct runtimes (runtime, requires, mode) the config's code-running checks declare, each
 * with the checks that use it. Limits and environment do not change whether a runtime works, so
 * checks that differ only in those share one line.
 */
export function declaredRuntimes(course: CourseConfig): DeclaredRuntime[] {
  const found = new Map<string, DeclaredRuntime>();
  for (const assignment of course.assignments) {
    for (const check of assignment.checks) {
      if (!runsStudentCode(check.kind)) continue;
      const policy = sandboxPolicy(
        mergeSandboxSpecs(course.course.sandbox, check.sandbox as SandboxSpec | undefined),
      );
      const key = JSON.stringify([
        policy.runtime,
        [...policy.requires].sort(),
        policy.mode,
        policy.bindReadOnly,
      ]);
      const entry = found.get(key) ?? { policy, usedBy: [] };
      entry.usedBy.push(`${assignment.id}/${check.id}`);
      found.set(key, entry);
    }
  }
  return [...found.values()];
}

/** True when some code-running check passes GPUs through (`sandbox.gpus` other than none). */
export function configAsksForGpu(course: CourseConfig): boolean {
  return course.assignments.some((assignment) =>
    assignment.checks.some(
      (check) =>
        runsStudentCode(check.kind) &&
        sandboxPolicy(mergeSandboxSpecs(course.course.sandbox, check.sandbox as SandboxSpec | undefined))
          .gpus !== 'none',
    ),
  );
}

/** The first column: the runtime alone, so a long `requires` list does not widen every line. */
function label(policy: SandboxPolicy): string {
  return `runtime ${policy.runtime}`;
}

/**
 * One line per declared runtime: ok when the preflight passed in the sandbox the checks get; missing
 * with the preflight's own fix when the runtime or a package is not there. Missing too when these
 * checks get no sandbox at all (their mode, e.g. `mode: bwrap`, cannot run here): they would end in
 * error. The packages are then still checked, outside any sandbox, so the sandbox's fix is not the
 * only thing a fresh runner learns.
 */
export async function runtimeItem(declared: DeclaredRuntime): Promise<DoctorItem> {
  const { policy, usedBy } = declared;
  const id = `runtime:${policy.runtime}${policy.requires.length > 0 ? `:${policy.requires.join(',')}` : ''}`;
  const name = label(policy);
  const checks = `used by ${usedBy.join(', ')}`;
  const imported = policy.requires.length > 0 ? `, imports ${policy.requires.join(', ')}` : '';
  const empty = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-doctor-'));
  // The probe needs none of a real run's room: small limits keep its quota and cgroup cheap.
  const probe = { ...policy, diskMb: 16, tmpMb: 16, wallSeconds: 120, gpus: 'none' };
  try {
    const checked = await tryRun(empty, probe);
    if (checked.exitCode !== 0)
      return {
        id,
        name,
        status: 'missing',
        detail: `a trivial command with ${checked.runtime} failed in the ${checked.mode} sandbox (exit ${checked.exitCode}): ${checked.output.trim().split('\n').slice(-2).join(' | ')}; ${checks}`,
        fix: 'run `mlgrade grade` on an example submission with MLGRADE_DEBUG=1 to see the whole run',
      };
    return {
      id,
      name,
      status: 'ok',
      detail: `${checked.runtime} starts${imported} in the ${checked.mode} sandbox; ${checks}`,
    };
  } catch (error) {
    if (error instanceof RuntimeUnavailableError)
      return { id, name, status: 'missing', ...splitFix(error.message, checks) };
    if (!(error instanceof SandboxUnavailableError)) throw error;
    const outside = await tryRun(empty, { ...probe, mode: 'none' }).then(
      (checked) => `outside any sandbox ${checked.runtime} starts${imported}`,
      (failure) => {
        if (failure instanceof RuntimeUnavailableError) return `outside any sandbox: ${failure.message}`;
        throw failure;
      },
    );
    return {
      id,
      name,
      status: 'missing',
      detail: `no sandbox for these checks (sandbox.mode ${policy.mode}), they would end in error; ${outside}; ${checks}`,
      fix: error.message,
    };
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}

async function tryRun(submissionDir: string, policy: SandboxPolicy) {
  const session = await startSandboxed({ submissionDir, command: 'true', policy });
  try {
    const result = await session.done;
    return { exitCode: result.exitCode, output: result.output, mode: result.mode, runtime: session.runtime };
  } finally {
    await session.dispose();
  }
}

/**
 * The sandbox's messages carry their fix after the problem (`… lacks torch (…): install it …`,
 * `… does not exist on this runner; create …`): the two halves go to the two columns.
 */
export function splitFix(message: string, checks: string): { detail: string; fix: string } {
  const match = /(?:: |; )(?=(?:install|create|name|make|raise|fix|allow) )/.exec(message);
  if (!match) return { detail: `${message}; ${checks}`, fix: 'see docs/sandbox.md' };
  return { detail: `${message.slice(0, match.index)}; ${checks}`, fix: message.slice(match.index + 2) };
}

/**
 * Without a config: the runtime `auto` would take (the grader's python3), as information. Courses
 * that only score files and models need no Python, so its absence is a warning, not missing.
 */
export async function defaultRuntimeItem(): Promise<DoctorItem> {
  const name = 'runtime auto';
  try {
    const runtime = await resolveRuntime('auto');
    if (!runtime.python)
      return {
        id: 'runtime:auto',
        name,
        status: 'warning',
        detail: 'no python3 on PATH: reproduce and service checks that run Python would fail',
        fix: 'apt-get install -y python3 (and the packages the course needs), or declare course.sandbox.runtime; pass --config to check the declared runtimes',
      };
    return {
      id: 'runtime:auto',
      name,
      status: 'ok',
      detail: `${describeRuntime(runtime)} (the default; pass --config to check the course's declared runtimes and packages)`,
    };
  } catch (error) {
    if (!(error instanceof RuntimeUnavailableError)) throw error;
    return {
      id: 'runtime:auto',
      name,
      status: 'warning',
      detail: error.message,
      fix: 'install python3 on the runner',
    };
  }
}

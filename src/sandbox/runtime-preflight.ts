/**
 * The preflight that proves a declared runtime works *inside* the sandbox before student code runs:
 * the interpreter starts under the run's uid and mounts, and imports every module the course lists
 * in `sandbox.requires`. A failure is the runner's problem (status `error`), never the student's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeRuntime, type ResolvedRuntime, RuntimeUnavailableError } from './resolve-runtime.js';
import type { SandboxMode } from './sandbox-mode.js';
import type { SandboxPolicy } from './sandbox-spec.js';

const MARKER = 'mlgrade-preflight:';

// Runs with -I (isolated: no user site, no cwd on sys.path) so nothing of a submission can shadow a module.
const SCRIPT = [
  'import importlib, sys',
  'for name in sys.argv[1:]:',
  '    try:',
  '        importlib.import_module(name)',
  '    except BaseException as error:',
  `        print("${MARKER}missing", name, type(error).__name__ + ": " + (str(error).splitlines() or [""])[0])`,
  `print("${MARKER}done")`,
].join('\n');

/** Starts one command in the sandbox (run-sandboxed's launch, passed in to keep imports one-way). */
export type LaunchCommand = (request: {
  submissionDir: string;
  command: string;
  policy: SandboxPolicy;
}) => Promise<{
  done: Promise<{ exitCode: number | null; output: string }>;
  dispose(): Promise<void>;
}>;

const preflights = new Map<string, Promise<void>>();

/**
 * Runs the preflight once per process for each (mode, runtime, modules, limits), in an empty
 * directory; throws {@link RuntimeUnavailableError}. A failure is not remembered, so a runner fixed
 * in between is seen on the next run.
 */
export function ensureRuntimeReady(
  runtime: ResolvedRuntime,
  policy: SandboxPolicy,
  mode: SandboxMode,
  launch: LaunchCommand,
): Promise<void> {
  const key = JSON.stringify([mode, runtime.declared, policy.requires, policy.memoryMb, policy.bindReadOnly]);
  let pending = preflights.get(key);
  if (!pending) {
    pending = runPreflight(runtime, policy, mode, launch);
    preflights.set(key, pending);
    pending.catch(() => preflights.delete(key));
  }
  return pending;
}

async function runPreflight(
  runtime: ResolvedRuntime,
  policy: SandboxPolicy,
  mode: SandboxMode,
  launch: LaunchCommand,
) {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-preflight-'));
  try {
    const command = preflightCommand(runtime, policy.requires);
    // Importing torch on a cold disk takes seconds; the student's own wall limit does not apply.
    const limits = { ...policy, wallSeconds: Math.max(policy.wallSeconds, 120), outputBytes: 1024 * 1024 };
    const session = await launch({ submissionDir: empty, command, policy: limits });
    try {
      judgePreflight(runtime, { ...(await session.done), mode });
    } finally {
      await session.dispose();
    }
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}

/** True when the policy declares something to check: a runtime other than `auto`, or modules. */
export function needsPreflight(policy: SandboxPolicy): boolean {
  return policy.runtime !== 'auto' || policy.requires.length > 0;
}

/** The shell command that runs the preflight with the runtime's interpreter. */
export function preflightCommand(runtime: ResolvedRuntime, requires: string[]): string {
  if (!runtime.python) {
    throw new RuntimeUnavailableError(
      `sandbox.runtime ${runtime.declared}: there is no python3 on this runner, but the course requires ${requires.join(', ')}; install Python there or set sandbox.runtime to an interpreter`,
    );
  }
  return [runtime.python, '-I', '-c', SCRIPT, ...requires].map(shellQuote).join(' ');
}

/** Throws {@link RuntimeUnavailableError} naming what is missing, unless the preflight succeeded. */
export function judgePreflight(
  runtime: ResolvedRuntime,
  result: { exitCode: number | null; output: string; mode: string },
): void {
  const lines = result.output.split('\n');
  const missing = lines.filter((line) => line.startsWith(`${MARKER}missing `));
  const where = describeRuntime(runtime);
  if (missing.length > 0) {
    const names = missing.map((line) => line.split(' ')[1]!);
    const details = missing.map((line) => line.split(' ').slice(2).join(' '));
    throw new RuntimeUnavailableError(
      `runtime ${where} lacks ${names.join(', ')} (${details.join('; ')}): install ${names.length === 1 ? 'it' : 'them'} on the runner (${runtime.python} -m pip install ${names.join(' ')}) or change sandbox.requires in the course config`,
    );
  }
  if (result.exitCode !== 0 || !lines.includes(`${MARKER}done`)) {
    const tail = result.output.trim().split('\n').slice(-3).join(' | ');
    throw new RuntimeUnavailableError(
      `runtime ${where} does not start inside the ${result.mode} sandbox (exit ${result.exitCode}${tail ? `: ${tail}` : ''}); make it readable by other users (chmod -R o+rX on its prefix) or install bubblewrap`,
    );
  }
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The preflight that proves a declared runtime works *inside* the sandbox before student code runs:
 * the interpreter starts under the run's uid and mounts, and imports every module the course lists
 * in `sandbox.requires`. A failure is the runner's problem (status `error`), never the student's.
 */
import { describeRuntime, type ResolvedRuntime, RuntimeUnavailableError } from './resolve-runtime.js';
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

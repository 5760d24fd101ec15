/**
 * Turns how a sandboxed run ended into findings a student can act on: which limit stopped it, or
 * which sandbox rule its error points at (no network, read-only system, hidden data not mounted).
 */
import type { Finding } from '../results/results-schema.js';
import { RuntimeUnavailableError } from './resolve-runtime.js';
import type { SandboxResult } from './run-sandboxed.js';
import { SandboxUnavailableError } from './sandbox-mode.js';
import type { SandboxPolicy } from './sandbox-spec.js';

/** Which limit ended the run, if any. */
export type LimitHit =
  | 'wall'
  | 'output'
  | 'cpu'
  | 'tree-memory'
  | 'memory'
  | 'processes'
  | 'disk'
  | undefined;

const MEMORY =
  /MemoryError|allocation failed|Cannot allocate memory|out of memory|bad_alloc|ENOMEM|Failed to reserve/i;
const PROCESSES =
  /Cannot fork|fork: (retry|Resource)|Resource temporarily unavailable|EAGAIN|BlockingIOError/i;
const NETWORK =
  /Network is unreachable|Temporary failure in name resolution|ENETUNREACH|EAI_AGAIN|getaddrinfo|Name or service not known|Connection refused|ECONNREFUSED/i;
const DISK = /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/;
const READ_ONLY = /Read-only file system|EROFS|Permission denied|EACCES/i;
const MISSING = /No such file or directory|ENOENT/i;

/** The limit that stopped the run, judged from how it ended and its last output. */
export function limitHit(result: SandboxResult): LimitHit {
  if (result.timedOut) return 'wall';
  if (result.outputExceeded) return 'output';
  if (result.signal === 'SIGXCPU') return 'cpu';
  if (result.exitCode === 0 && result.signal === null) return undefined;
  // The kernel's own count beats guessing from the output: it names the bound that was hit.
  if (result.limits.oomKills > 0) return 'tree-memory';
  if (result.limits.forksRefused > 0) return 'processes';
  if (DISK.test(result.output)) return 'disk';
  if (MEMORY.test(result.output)) return 'memory';
  if (PROCESSES.test(result.output)) return 'processes';
  return undefined;
}

/** Findings explaining a failed run; `what` names the command for the messages. */
export function explainRun(result: SandboxResult, policy: SandboxPolicy, what: string): Finding[] {
  const findings: Finding[] = [];
  const error = (message: string) => findings.push({ level: 'error', message });
  const hit = limitHit(result);
  if (hit === 'wall')
    error(
      `${what} ran past the ${policy.wallSeconds} s wall-clock limit and was stopped (all its processes were killed); make it finish sooner or ask the instructor for a longer limit.`,
    );
  if (hit === 'output')
    error(
      `${what} printed over ${policy.outputBytes} bytes and was stopped; write logs to a file and print a summary.`,
    );
  if (hit === 'cpu') error(`${what} used more than ${policy.cpuSeconds} s of CPU time and was stopped.`);
  if (hit === 'disk') {
    const room =
      'mb' in result.disk
        ? `the run may write ${result.disk.mb} MiB in its copy of the repository and ${policy.tmpMb} MiB in /tmp`
        : `the runner's disk is full (the run may write ${policy.tmpMb} MiB in /tmp)`;
    error(
      `${what} ran out of disk space: ${room}; write less (fewer checkpoints, smaller logs) or ask the instructor for a larger sandbox.disk_mb.`,
    );
  }
  if (hit === 'tree-memory')
    error(
      `${what} used more than ${policy.memoryMb} MiB of memory across all its processes together and was stopped by the sandbox's memory bound for the whole process tree (${result.limits.mechanism}; the kernel killed ${result.limits.oomKills} process(es)); use fewer or smaller worker processes, smaller batches or less data in memory.`,
    );
  if (hit === 'memory')
    error(
      `${what} ran out of memory: each process may use ${policy.memoryMb} MiB of address space; use smaller batches or less data in memory.`,
    );
  if (hit === 'processes')
    error(
      `${what} tried to start more than ${policy.processes} processes or threads at once and was refused${result.limits.forksRefused > 0 ? ` ${result.limits.forksRefused} time(s) (${result.limits.mechanism} bound for the whole process tree)` : ''}; limit worker pools and threads.`,
    );
  if (hit !== undefined || result.stopped) return findings;
  if (NETWORK.test(result.output))
    error(
      `${what} tried to use the network, which the sandbox does not have; commit the data (or declare it in experiment.yaml) instead of downloading it.`,
    );
  if (READ_ONLY.test(result.output))
    error(
      `${what} tried to write outside its copy of the repository: only the repository directory and /tmp are writable.`,
    );
  if (MISSING.test(result.output))
    error(
      `${what} tried to open a file that does not exist in the sandbox: only the repository, /tmp and the system are visible (hidden test data never is).`,
    );
  if (result.signal) error(`${what} was killed by ${result.signal}.`);
  else if (result.exitCode !== 0)
    error(`${what} exited with status ${result.exitCode}; the tail of its output is in the log.`);
  if (result.leftover > 0)
    findings.push({
      level: 'warning',
      message: `${what} left ${result.leftover} process(es) running; they were killed.`,
    });
  return findings;
}

/** A warning when student code ran without isolation (`sandbox.mode: none`), or none. */
export function unsandboxedWarning(mode: string): Finding[] {
  if (mode !== 'none') return [];
  return [
    {
      level: 'warning',
      message:
        'Student code ran WITHOUT a sandbox (sandbox.mode: none): only the resource limits and the environment allow-list applied. Use this for trusted local runs only, never on a shared runner.',
    },
  ];
}

/** One log line saying how the run was isolated and bounded, so a reader knows which rules applied. */
export function describeSandbox(result: SandboxResult): string {
  const { limits } = result;
  const bound =
    limits.mechanism === 'rlimit'
      ? `per process only (RLIMIT_AS ${limits.memoryMb} MiB, RLIMIT_NPROC ${limits.processes}): ${limits.reason ?? 'no cgroup'}`
      : `${limits.memoryMb} MiB and ${limits.processes} processes for the whole tree (${limits.mechanism}${limits.peakBytes === undefined ? '' : `, peak ${Math.round(limits.peakBytes / 1024 ** 2)} MiB`})`;
  const disk = 'mb' in result.disk ? `${result.disk.mb} MiB` : `no quota (${result.disk.unavailable})`;
  return `sandbox: ${result.mode}; runtime: ${result.runtime}; limits: ${bound}; disk: ${disk}`;
}

/**
 * The outcome for a run that could not start because the runner is not ready (no safe sandbox, or
 * the declared runtime failed its preflight): status `error`, never a student failure. Undefined
 * for any other error.
 */
export function setupFailure(error: unknown): { summary: string; findings: Finding[] } | undefined {
  if (error instanceof RuntimeUnavailableError)
    return {
      summary: "The runner's Python runtime is not ready for this course",
      findings: [{ level: 'error', message: `${error.message}.` }],
    };
  if (error instanceof SandboxUnavailableError)
    return {
      summary: 'Student code cannot be run safely on this runner',
      findings: [{ level: 'error', message: `${error.message}.` }],
    };
  return undefined;
}

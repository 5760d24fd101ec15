/** Runs a hostile fixture's declared command in the sandbox with small limits, for the tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { processesOf } from '../../src/sandbox/process-sweep.js';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { type SandboxSpec, sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';

/** test/fixtures/submissions/<name>. */
export function fixtureDir(name: string): string {
  return path.resolve(import.meta.dirname, '..', 'fixtures', 'submissions', name);
}

/**
 * The modes to run real sandbox tests in: `auto` (bubblewrap where installed, else unshare), and
 * unshare explicitly when the grader is root — unshare is refused to a non-root grader.
 */
export const SANDBOX_MODES: readonly ('auto' | 'unshare')[] =
  process.getuid?.() === 0 ? ['auto', 'unshare'] : ['auto'];

/** Small limits so that every hostile fixture is stopped within seconds. */
export const TEST_LIMITS: SandboxSpec = {
  wall_seconds: 4,
  cpu_seconds: 10,
  memory_mb: 1024,
  processes: 32,
  output_bytes: 1024 * 1024,
};

/** Runs the fixture's experiment.yaml command; returns the result and the copy's files before disposal. */
export async function runFixture(
  name: string,
  env: Record<string, string> = {},
  hiddenPaths: string[] = [],
  mode: SandboxSpec['mode'] = 'auto',
) {
  const dir = fixtureDir(name);
  const { command } = parse(readFileSync(path.join(dir, 'experiment.yaml'), 'utf8')) as { command: string };
  const policy = sandboxPolicy({ ...TEST_LIMITS, mode });
  const { session, result } = await runSandboxed({ submissionDir: dir, command, policy, env, hiddenPaths });
  try {
    return { result, policy, workDir: session.workDir };
  } finally {
    await session.dispose();
  }
}

/**
 * Processes of a sandbox uid (2,000,000–2,999,999) still alive that this test worker started (or
 * that escaped to init): must be none after a run. Test files run in parallel workers, so another
 * worker's live sandbox must not count.
 */
export async function sandboxProcessesAlive(): Promise<number> {
  if (process.getuid?.() !== 0) return 0;
  const { readdir, readFile } = await import('node:fs/promises');
  const status = (pid: string) => readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const parentOf = async (pid: string) => /^PPid:\s+(\d+)/m.exec(await status(pid))?.[1] ?? '0';
  let alive = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await status(entry);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(text)?.[1]);
    if (uid < 2_000_000 || uid >= 3_000_000 || /^State:\s+Z/m.test(text)) continue;
    // Escaped to init: leaked by whoever started it, so it counts.
    let ancestor = await parentOf(entry);
    if (ancestor === '1') {
      alive++;
      continue;
    }
    for (let depth = 0; depth < 30 && !['0', '1', String(process.pid)].includes(ancestor); depth++) {
      ancestor = await parentOf(ancestor);
    }
    if (ancestor === String(process.pid)) alive++;
  }
  return alive;
}

export { processesOf };

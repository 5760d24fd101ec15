/**
 * One memory and process bound for a sandboxed run's whole process tree, from cgroups where the
 * runner lets the grader create them: cgroup v2 with the memory and pids controllers delegated to
 * the grader's own cgroup, or the v1 memory and pids hierarchies. Per-process rlimits (RLIMIT_AS,
 * RLIMIT_NPROC) stay on as the fallback and as a per-process bound; this adds the bound that a tree
 * of many modest processes cannot slip under.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How the tree's memory and processes were bounded, and what the bound caught. */
export interface TreeLimits {
  /** `cgroup v2`, `cgroup v1`, or `rlimit` (per process only). */
  mechanism: 'cgroup v2' | 'cgroup v1' | 'rlimit';
  /** Why cgroups were not used, when they were not. */
  reason?: string;
  memoryMb: number;
  processes: number;
  /** Processes the kernel killed because the tree passed its memory bound. */
  oomKills: number;
  /** Times a fork was refused because the tree was at its process bound. */
  forksRefused: number;
  /** Most memory the tree used at once, in bytes, when the kernel reports it. */
  peakBytes?: number;
}

/** A cgroup made for one run: join it from the child, read it, then remove it. */
export interface RunCgroup {
  mechanism: 'cgroup v2' | 'cgroup v1';
  /** `cgroup.procs` files the run's first process writes its pid to before exec. */
  procsFiles: string[];
  /**
   * Kills everything still in the cgroup and waits until it is empty, reads what the bounds caught,
   * removes it; `killed` is how many processes were still in it.
   */
  finish(): Promise<{ limits: TreeLimits; killed: number }>;
}

/** Where this process's cgroups are, as read from /proc (exported for tests). */
export interface CgroupLayout {
  v2?: string;
  memory?: string;
  pids?: string;
}

let layoutPromise: Promise<CgroupLayout> | undefined;

/** Creates a cgroup bounding the run's tree, or says why none could be made (rlimits only). */
export async function createRunCgroup(
  name: string,
  memoryMb: number,
  processes: number,
): Promise<RunCgroup | { unavailable: string }> {
  layoutPromise ??= readLayout();
  const layout = await layoutPromise;
  let made: RunCgroup;
  try {
    if (layout.memory && layout.pids)
      made = await createV1(layout.memory, layout.pids, name, memoryMb, processes);
    else if (layout.v2) made = await createV2(layout.v2, name, memoryMb, processes);
    else return { unavailable: 'no cgroup memory and pids controllers are mounted for the grader' };
  } catch (error) {
    return {
      unavailable: `cgroups are not writable by the grader (${(error as Error).message.split('\n')[0]})`,
    };
  }
  // A cgroup that can be made but not joined (v2's rules on where processes may live) would make
  // the run's first step fail, which would read as the student's failure: find out once, up front.
  joinable ??= canJoin(made.procsFiles);
  const reason = await joinable;
  if (reason === undefined) return made;
  await made.finish();
  return { unavailable: `the grader cannot move processes into its cgroups (${reason})` };
}

let joinable: Promise<string | undefined> | undefined;

/** Runs the join prologue with `true`; undefined when it works, else the shell's complaint. */
function canJoin(procsFiles: string[]): Promise<string | undefined> {
  const [file, ...args] = joinCgroupArgv(procsFiles, ['true']);
  return new Promise((resolve) => {
    execFile(file!, args, { timeout: 10_000 }, (error, _stdout, stderr) =>
      resolve(error ? stderr.trim().split('\n')[0] || error.message : undefined),
    );
  });
}

/** The limits to report when no cgroup was made. */
export function rlimitOnly(memoryMb: number, processes: number, reason: string): TreeLimits {
  return { mechanism: 'rlimit', reason, memoryMb, processes, oomKills: 0, forksRefused: 0 };
}

async function readLayout(): Promise<CgroupLayout> {
  try {
    const [cgroups, mounts] = await Promise.all([
      readFile('/proc/self/cgroup', 'utf8'),
      readFile('/proc/self/mountinfo', 'utf8'),
    ]);
    return cgroupLayout(cgroups, mounts);
  } catch {
    return {};
  }
}

/** Directories of this process's memory and pids cgroups (v1) or its unified cgroup (v2). */
export function cgroupLayout(procCgroup: string, mountinfo: string): CgroupLayout {
  const layout: CgroupLayout = {};
  const mounts = mountinfo
    .split('\n')
    .map((line) => {
      const [before, after] = line.split(' - ');
      const fields = before?.split(' ') ?? [];
      const [type, , options] = after?.split(' ') ?? [];
      return { root: fields[3] ?? '', point: fields[4] ?? '', type, options: options?.split(',') ?? [] };
    })
    .filter((mount) => mount.type === 'cgroup' || mount.type === 'cgroup2');
  for (const line of procCgroup.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    const [, controllers, cgroupPath] = match as unknown as [string, string, string];
    const under = (type: string, controller?: string) => {
      const mount = mounts.find((m) => m.type === type && (!controller || m.options.includes(controller)));
      if (!mount) return undefined;
      const relative = path.relative(mount.root, cgroupPath);
      return relative.startsWith('..') ? undefined : path.join(mount.point, relative);
    };
    if (controllers === '') layout.v2 = under('cgroup2');
    for (const controller of controllers.split(',')) {
      if (controller === 'memory') layout.memory = under('cgroup', 'memory');
      if (controller === 'pids') layout.pids = under('cgroup', 'pids');
    }
  }
  return layout;
}

async function createV1(
  memoryRoot: string,
  pidsRoot: string,
  name: string,
  memoryMb: number,
  processes: number,
) {
  const memory = path.join(memoryRoot, name);
  const pids = path.join(pidsRoot, name);
  await mkdir(memory);
  try {
    await mkdir(pids);
    const bytes = String(memoryMb * 1024 * 1024);
    await writeFile(path.join(memory, 'memory.limit_in_bytes'), bytes);
    // With swap, memory+swap must be bounded too or the tree swaps past its bound.
    await writeFile(path.join(memory, 'memory.memsw.limit_in_bytes'), bytes).catch(() => undefined);
    await writeFile(path.join(pids, 'pids.max'), String(processes));
  } catch (error) {
    await rmdir(pids).catch(() => undefined);
    await rmdir(memory).catch(() => undefined);
    throw error;
  }
  const finish = async () => {
    const killed = await killAll([memory, pids]);
    const [oom, events, peak] = await Promise.all(
      [
        path.join(memory, 'memory.oom_control'),
        path.join(pids, 'pids.events'),
        path.join(memory, 'memory.max_usage_in_bytes'),
      ].map((file) => readFile(file, 'utf8').catch(() => '')),
    );
    await removeAll([memory, pids]);
    const limits: TreeLimits = {
      mechanism: 'cgroup v1',
      memoryMb,
      processes,
      oomKills: counter(oom!, 'oom_kill'),
      forksRefused: counter(events!, 'max'),
      ...(peak!.trim() ? { peakBytes: Number(peak) } : {}),
    };
    return { limits, killed };
  };
  return {
    mechanism: 'cgroup v1' as const,
    procsFiles: [path.join(memory, 'cgroup.procs'), path.join(pids, 'cgroup.procs')],
    finish,
  };
}

async function createV2(own: string, name: string, memoryMb: number, processes: number) {
  const enabled = await readFile(path.join(own, 'cgroup.subtree_control'), 'utf8');
  if (!/\bmemory\b/.test(enabled) || !/\bpids\b/.test(enabled)) {
    // Allowed only when the grader's cgroup has no processes of its own (a delegated sub-tree).
    await writeFile(path.join(own, 'cgroup.subtree_control'), '+memory +pids');
  }
  const dir = path.join(own, name);
  await mkdir(dir);
  try {
    await writeFile(path.join(dir, 'memory.max'), String(memoryMb * 1024 * 1024));
    await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    await writeFile(path.join(dir, 'pids.max'), String(processes));
  } catch (error) {
    await rmdir(dir).catch(() => undefined);
    throw error;
  }
  const finish = async () => {
    const listed = [...(await members([dir]))];
    const killed = (await Promise.all(listed.map(isRunningProcess))).filter(Boolean).length;
    await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
    await killAll([dir]);
    const [memoryEvents, pidsEvents, peak] = await Promise.all(
      ['memory.events', 'pids.events', 'memory.peak'].map((file) =>
        readFile(path.join(dir, file), 'utf8').catch(() => ''),
      ),
    );
    await removeAll([dir]);
    const limits: TreeLimits = {
      mechanism: 'cgroup v2',
      memoryMb,
      processes,
      oomKills: counter(memoryEvents!, 'oom_kill'),
      forksRefused: counter(pidsEvents!, 'max'),
      ...(peak!.trim() ? { peakBytes: Number(peak) } : {}),
    };
    return { limits, killed };
  };
  return { mechanism: 'cgroup v2' as const, procsFiles: [path.join(dir, 'cgroup.procs')], finish };
}

/** Pids listed in the cgroups' `cgroup.procs`. */
async function members(dirs: string[]): Promise<Set<number>> {
  const lists = await Promise.all(
    dirs.map((dir) => readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '')),
  );
  return new Set(lists.flatMap((text) => text.split('\n').filter(Boolean).map(Number)));
}

/**
 * Whether a listed pid is still a running process: a process that has exited but is not yet
 * reaped (a zombie, state Z or X in /proc/<pid>/stat) stays in `cgroup.procs` for a moment after
 * the run's own process ends, most of all on a loaded machine; it is no leftover.
 */
export async function isRunningProcess(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The state follows the command name, which is in parentheses and may itself hold ") ".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}

/**
 * SIGKILLs every process listed in the cgroups until they are empty (bounded); returns how many
 * running processes were listed at first (the leftovers the run's own process did not end).
 */
async function killAll(dirs: string[]): Promise<number> {
  let first: number | undefined;
  for (let round = 0; round < 50; round++) {
    const pids = await members(dirs);
    if (first === undefined) {
      const alive = await Promise.all([...pids].map(isRunningProcess));
      first = alive.filter(Boolean).length;
    }
    if (pids.size === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return first ?? 0;
}

/** rmdir, retried while the kernel finishes reaping the last processes. */
async function removeAll(dirs: string[]) {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}

/** The number after `key` in a flat-keyed cgroup file ("oom_kill 2"). */
function counter(text: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/** The sh prologue that moves the shell into the cgroups before exec'ing the sandbox. */
export function joinCgroupArgv(procsFiles: string[], argv: string[]): string[] {
  const script = `${procsFiles.map((_, i) => `echo $$ > "$${i + 1}"`).join(' && ')} && shift ${procsFiles.length} && exec "$@"`;
  return ['/bin/sh', '-c', script, 'mlgrade-cgroup', ...procsFiles, ...argv];
}

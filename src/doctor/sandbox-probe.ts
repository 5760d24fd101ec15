/**
 * Whether student code can be isolated on this runner, judged by the sandbox's own code: the probes
 * `modeWorks` runs before a real run (a trivial bubblewrap or unshare sandbox), `pickMode`'s rules
 * for which one `auto` takes, and `createRunCgroup` making (and joining) the cgroup a run would get.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { type CgroupLayout, cgroupLayout, createRunCgroup } from '../sandbox/cgroup-limits.js';
import { findOnPath } from '../sandbox/host-cache.js';
import { type ModeFacts, modeWorks, pickMode, SandboxUnavailableError } from '../sandbox/sandbox-mode.js';
import type { DoctorItem } from './doctor-item.js';

const run = promisify(execFile);

/** What the sandbox probes found, as plain data so that the verdicts are tested for every case. */
export interface SandboxFacts extends ModeFacts {
  /** Where `bwrap` is on PATH, if anywhere. */
  bwrapPath: string | undefined;
  /** `bubblewrap 0.8.0`, when it answered --version. */
  bwrapVersion: string | undefined;
  /** Where `unshare` is on PATH, if anywhere. */
  unsharePath: string | undefined;
}

/** Runs the sandbox's own probes (each at most once per process, as the grader does). */
export async function probeSandbox(): Promise<SandboxFacts> {
  const [bwrapPath, unsharePath] = await Promise.all([findOnPath('bwrap'), findOnPath('unshare')]);
  const root = process.getuid?.() === 0;
  const [bwrap, unshare, bwrapVersion] = await Promise.all([
    bwrapPath ? modeWorks('bwrap') : false,
    // Only a root grader ever uses unshare: probing it as non-root would say nothing useful.
    unsharePath && root ? modeWorks('unshare') : false,
    bwrapPath
      ? run(bwrapPath, ['--version'], { timeout: 10_000 }).then(
          ({ stdout }) => stdout.trim() || undefined,
          () => undefined,
        )
      : undefined,
  ]);
  return { bwrap, unshare, root, bwrapPath, bwrapVersion, unsharePath };
}

const INSTALL_BWRAP = 'apt-get install -y bubblewrap';
const ALLOW_USERNS =
  'allow unprivileged user namespaces (sysctl -w kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also kernel.apparmor_restrict_unprivileged_userns=0), or run the grader as root; in a container, add --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined';

/**
 * The bubblewrap, unshare and sandbox lines. Only the last can be `missing` (no safe mechanism:
 * every check that runs student code would end in `error`); a weaker fallback is a warning.
 */
export function sandboxItems(facts: SandboxFacts): DoctorItem[] {
  const items: DoctorItem[] = [];
  const version = facts.bwrapVersion ? ` (${facts.bwrapVersion})` : '';
  if (!facts.bwrapPath)
    items.push({
      id: 'bubblewrap',
      name: 'bubblewrap',
      status: 'warning',
      detail: 'bwrap is not on PATH',
      fix: INSTALL_BWRAP,
    });
  else if (facts.bwrap)
    items.push({
      id: 'bubblewrap',
      name: 'bubblewrap',
      status: 'ok',
      detail: `${facts.bwrapPath}${version} creates a sandbox here${facts.root ? '' : ' (in a user namespace: the grader is not root)'}`,
    });
  else
    items.push({
      id: 'bubblewrap',
      name: 'bubblewrap',
      status: 'warning',
      detail: `${facts.bwrapPath}${version} is installed but cannot create a sandbox here (namespaces refused)`,
      fix: ALLOW_USERNS,
    });

  if (!facts.root)
    items.push({
      id: 'unshare',
      name: 'unshare',
      status: facts.bwrap ? 'ok' : 'warning',
      detail: facts.bwrap
        ? 'not used: the grader is not root (unshare is the fallback of a root grader only), bubblewrap is used'
        : 'not usable: the grader is not root, and as non-root unshare would run student code as the runner’s own user',
      ...(facts.bwrap ? {} : { fix: `${INSTALL_BWRAP}, or run the grader as root` }),
    });
  else if (!facts.unsharePath)
    items.push({
      id: 'unshare',
      name: 'unshare',
      status: facts.bwrap ? 'ok' : 'warning',
      detail: 'unshare is not on PATH (only the fallback when bubblewrap cannot run)',
      ...(facts.bwrap ? {} : { fix: 'apt-get install -y util-linux mount' }),
    });
  else if (facts.unshare)
    items.push({
      id: 'unshare',
      name: 'unshare',
      status: 'ok',
      detail: `${facts.unsharePath} creates a sandbox here (the fallback when bubblewrap cannot run)`,
    });
  else
    items.push({
      id: 'unshare',
      name: 'unshare',
      status: facts.bwrap ? 'ok' : 'warning',
      detail: `${facts.unsharePath} cannot create a sandbox here (namespaces refused, or no mount command)${facts.bwrap ? '; not needed while bubblewrap works' : ''}`,
      ...(facts.bwrap
        ? {}
        : { fix: 'apt-get install -y util-linux mount; in a container, add --cap-add SYS_ADMIN' }),
    });

  try {
    const mode = pickMode('auto', facts);
    items.push(
      mode === 'bwrap'
        ? {
            id: 'sandbox',
            name: 'sandbox',
            status: 'ok',
            detail: 'student code runs under bubblewrap (sandbox.mode auto)',
          }
        : {
            id: 'sandbox',
            name: 'sandbox',
            status: 'warning',
            detail:
              'student code runs under unshare: isolated, but the rest of the runner’s files are visible by their permissions (docs/sandbox.md)',
            fix: INSTALL_BWRAP,
          },
    );
  } catch (error) {
    if (!(error instanceof SandboxUnavailableError)) throw error;
    items.push({
      id: 'sandbox',
      name: 'sandbox',
      status: 'missing',
      detail: 'no safe sandbox: every reproduce and service check would end in error',
      fix: error.message,
    });
  }
  return items;
}

/** What the cgroup probe found. */
export interface CgroupFacts {
  layout: CgroupLayout;
  /** Controllers enabled for the grader's v2 cgroup (`cgroup.controllers`), when on v2. */
  v2Controllers: string[] | undefined;
  /** The cgroup a run would get (`cgroup v1`/`cgroup v2`), or why there is none. */
  made: { mechanism: string } | { unavailable: string };
}

/** Makes, joins and removes a cgroup exactly as a sandboxed run does, and reads the layout. */
export async function probeCgroups(): Promise<CgroupFacts> {
  const [procCgroup, mountinfo] = await Promise.all([
    readFile('/proc/self/cgroup', 'utf8').catch(() => ''),
    readFile('/proc/self/mountinfo', 'utf8').catch(() => ''),
  ]);
  const layout = cgroupLayout(procCgroup, mountinfo);
  const v2Controllers = layout.v2
    ? await readFile(`${layout.v2}/cgroup.controllers`, 'utf8').then(
        (text) => text.trim().split(/\s+/).filter(Boolean),
        () => undefined,
      )
    : undefined;
  const created = await createRunCgroup(`mlgrade-doctor-${randomUUID()}`, 64, 16);
  let made: CgroupFacts['made'];
  if ('unavailable' in created) made = created;
  else {
    await created.finish();
    made = { mechanism: created.mechanism };
  }
  return { layout, v2Controllers, made };
}

/**
 * The cgroups line: ok when a run gets one memory and process bound for its whole tree; a warning
 * when it falls back to per-process rlimits (still bounded, but many processes can add up).
 */
export function cgroupItem(facts: CgroupFacts): DoctorItem {
  // The same preference as createRunCgroup: v1's memory and pids hierarchies when both are
  // mounted (a hybrid host also has an empty v2 tree), else the unified v2 cgroup.
  const { layout } = facts;
  const v2 =
    layout.v2 && facts.v2Controllers
      ? ` (controllers: ${['memory', 'pids', 'cpu'].map((c) => `${c} ${facts.v2Controllers!.includes(c) ? 'yes' : 'no'}`).join(', ')})`
      : '';
  const controllers =
    layout.memory && layout.pids
      ? 'cgroup v1 memory and pids controllers'
      : layout.v2
        ? `cgroup v2 at ${layout.v2}${v2}`
        : layout.memory || layout.pids
          ? `cgroup v1 with only the ${layout.memory ? 'memory' : 'pids'} controller`
          : 'no cgroup memory or pids controller mounted for the grader';
  if ('mechanism' in facts.made)
    return {
      id: 'cgroups',
      name: 'cgroups',
      status: 'ok',
      detail: `${controllers}: each run gets one memory and process bound for its whole tree (${facts.made.mechanism})`,
    };
  return {
    id: 'cgroups',
    name: 'cgroups',
    status: 'warning',
    detail: `${controllers}: runs fall back to per-process rlimits, ${facts.made.unavailable}`,
    fix: 'delegate the memory and pids controllers to the runner service (systemd: Delegate=memory pids in its unit, then systemctl daemon-reload and restart it), or run the grader as root on the host',
  };
}

/**
 * Picks the isolation mechanism: bubblewrap when it can actually create a sandbox here, else
 * `unshare`, else none. A config that asks for `auto` never silently runs unsandboxed.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { fileIdentity, findOnPath, readHostCache, writeHostCache } from './host-cache.js';
import type { SandboxPolicy } from './sandbox-spec.js';

const run = promisify(execFile);

/** A mechanism that can run a command. */
export type SandboxMode = 'bwrap' | 'unshare' | 'none';

/** Thrown when the requested isolation is not available; the message says how to get it. */
export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

const probes = new Map<SandboxMode, Promise<boolean>>();

/**
 * True when `mode` works on this machine: probed once per process with a trivial command, or known
 * from an earlier process's probe under the same key (see {@link probeKey}).
 */
export function modeWorks(mode: SandboxMode): Promise<boolean> {
  let probe = probes.get(mode);
  if (!probe) {
    probe = cachedProbe(mode);
    probes.set(mode, probe);
  }
  return probe;
}

/** Sysctls that decide whether unprivileged user namespaces (bubblewrap without root) work. */
const USERNS_SYSCTLS = [
  '/proc/sys/user/max_user_namespaces',
  '/proc/sys/kernel/unprivileged_userns_clone',
  '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
];

/**
 * What a probe's answer depends on: the tool's binary (real path, mtime, size), the uid, the kernel
 * release and the user-namespace sysctls; under unshare also `mount`, which its setup script needs.
 */
async function probeKey(mode: SandboxMode) {
  const tools = mode === 'bwrap' ? ['bwrap'] : mode === 'unshare' ? ['unshare', 'mount'] : [];
  const identities = await Promise.all(
    tools.map(async (tool) => {
      const found = await findOnPath(tool);
      return (found && (await fileIdentity(found))) ?? null;
    }),
  );
  const sysctls = await Promise.all(
    USERNS_SYSCTLS.map((file) =>
      readFile(file, 'utf8').then(
        (text) => text.trim(),
        () => null,
      ),
    ),
  );
  return { mode, tools: identities, uid: process.getuid?.(), kernel: os.release(), sysctls };
}

/**
 * Only a working mode is remembered: a failed probe (perhaps a timeout on a busy machine) is tried
 * again by the next process rather than sending every later run to a weaker mechanism.
 */
async function cachedProbe(mode: SandboxMode): Promise<boolean> {
  if (mode === 'none') return probeMode(mode);
  const key = await probeKey(mode);
  if (key.tools.includes(null)) return probeMode(mode);
  if (await readHostCache('sandbox-mode', mode, key, (value): value is true => value === true)) return true;
  const works = await probeMode(mode);
  if (works) await writeHostCache('sandbox-mode', mode, key, true);
  return works;
}

async function probeMode(mode: SandboxMode): Promise<boolean> {
  const asRoot = process.getuid?.() === 0;
  const argv: Record<SandboxMode, string[]> = {
    bwrap: [
      'bwrap',
      '--ro-bind',
      '/',
      '/',
      '--unshare-pid',
      '--unshare-net',
      ...(asRoot ? [] : ['--unshare-user']),
      '--',
      'true',
    ],
    // The setup script needs `mount` inside the new mount namespace: a runner without it (a minimal
    // container image) must refuse here, not fail every student's run with "mount: not found".
    unshare: [
      'unshare',
      ...(asRoot ? [] : ['--user', '--map-root-user']),
      '--pid',
      '--fork',
      '--net',
      '--mount',
      '--mount-proc',
      '/bin/sh',
      '-c',
      'mount -t tmpfs mlgrade-probe /tmp',
    ],
    none: ['true'],
  };
  const [file, ...args] = argv[mode];
  try {
    await run(file!, args, { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Resolves the policy's mode to the mechanism to use, or throws {@link SandboxUnavailableError}. */
export async function chooseMode(policy: SandboxPolicy): Promise<SandboxMode> {
  if (policy.mode === 'none') return 'none';
  const bwrap = policy.mode !== 'unshare' && (await modeWorks('bwrap'));
  const unshare = !bwrap && policy.mode !== 'bwrap' && (await modeWorks('unshare'));
  return pickMode(policy.mode, { bwrap, unshare, root: process.getuid?.() === 0 });
}

/** What this machine offers, as probed. */
export interface ModeFacts {
  bwrap: boolean;
  unshare: boolean;
  /** The grader runs as root (it can switch student code to a dedicated uid). */
  root: boolean;
}

/**
 * The decision behind {@link chooseMode}, pure so that every combination is tested. unshare needs a
 * root grader: as non-root it can only map the runner's own uid, so student code would run as the
 * runner's user and see everything the runner can (its credentials, the hidden data, the config).
 */
export function pickMode(requested: SandboxPolicy['mode'], facts: ModeFacts): SandboxMode {
  if (requested === 'none') return 'none';
  if (requested !== 'unshare' && facts.bwrap) return 'bwrap';
  if (requested === 'bwrap') {
    throw new SandboxUnavailableError(
      'sandbox mode "bwrap" was requested but bubblewrap cannot create a sandbox here; install it (apt-get install -y bubblewrap) or allow user namespaces',
    );
  }
  if (facts.unshare && !facts.root) {
    throw new SandboxUnavailableError(
      "without bubblewrap student code would run under unshare as the runner's own user, able to read its credentials and the hidden data; install bubblewrap (apt-get install -y bubblewrap) or run the grader as root",
    );
  }
  if (facts.unshare) return 'unshare';
  throw new SandboxUnavailableError(
    'no sandbox is available to run student code: install bubblewrap (apt-get install -y bubblewrap) or util-linux unshare; for trusted local use only, set `sandbox: { mode: none }` in the check',
  );
}

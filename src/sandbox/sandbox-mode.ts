/**
 * Picks the isolation mechanism: bubblewrap when it can actually create a sandbox here, else
 * `unshare`, else none. A config that asks for `auto` never silently runs unsandboxed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

/** True when `mode` works on this machine (probed once per process with a trivial command). */
export function modeWorks(mode: SandboxMode): Promise<boolean> {
  let probe = probes.get(mode);
  if (!probe) {
    probe = probeMode(mode);
    probes.set(mode, probe);
  }
  return probe;
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

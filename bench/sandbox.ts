/**
 * Sandbox start-up overhead: wall time of `true` run through runSandboxed (disk quota, copy of a
 * small submission, cgroup, bubblewrap, dedicated uid, limits, cleanup) against spawning `true`
 * directly, and against spawning bubblewrap bare with the very command line runSandboxed builds for
 * it (same namespaces, mounts, setpriv and prlimit, from sandbox-argv.ts), which is what the
 * sandbox cannot do without. Also the first run of a fresh grader process, which resolves the
 * runtime and probes the mode (from the cross-process cache, or without it).
 * Runs alone too: `npm run build && node build/bench/sandbox.js`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveRuntime } from '../src/sandbox/resolve-runtime.js';
import { runSandboxed } from '../src/sandbox/run-sandboxed.js';
import { sandboxArgv } from '../src/sandbox/sandbox-argv.js';
import { chooseMode } from '../src/sandbox/sandbox-mode.js';
import { sandboxPolicy } from '../src/sandbox/sandbox-spec.js';
import { type BenchFigure, median } from './figure.js';

const RUNS = 20;
const FRESH_PROCESSES = 5;

/** Median wall times of `true`: bare, bare bubblewrap, in the sandbox; and a fresh process's first run. */
export async function run(): Promise<BenchFigure[]> {
  const submission = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-sandbox-'));
  await writeFile(path.join(submission, 'train.py'), 'print("hello")\n');
  const policy = sandboxPolicy({});
  const mode = await chooseMode(policy);
  const bare = mode === 'bwrap' ? await bareBwrapArgv(policy) : undefined;
  try {
    const outside: number[] = [];
    const bwrap: number[] = [];
    const inside: number[] = [];
    const whole: number[] = [];
    // Interleaved, so that a busy machine slows every variant alike and the ratios hold.
    for (let i = 0; i < RUNS; i++) {
      let start = performance.now();
      spawnSync('true');
      outside.push(performance.now() - start);
      if (bare) {
        start = performance.now();
        const ran = spawnSync(bare.argv[0]!, bare.argv.slice(1), { cwd: '/' });
        if (ran.status !== 0) throw new Error(`bare bwrap failed: ${String(ran.stderr)}`);
        bwrap.push(performance.now() - start);
      }
      start = performance.now();
      const { session } = await runSandboxed({ submissionDir: submission, command: 'true', policy });
      inside.push(performance.now() - start);
      await session.dispose();
      whole.push(performance.now() - start);
    }
    const out = median(outside);
    const sandboxed = median(inside);
    const figures: BenchFigure[] = [
      { name: '`true` outside the sandbox (spawn)', value: out, unit: 'ms' },
      {
        name: `\`true\` in the sandbox (${mode}, copy + limits + sweep)`,
        value: sandboxed,
        unit: 'ms',
        ratio: { value: sandboxed / out, against: 'outside' },
      },
    ];
    if (bare) {
      const reference = median(bwrap);
      const cycle = median(whole);
      figures.push(
        { name: 'bare bwrap `true`, runSandboxed argv (sandbox-argv.ts)', value: reference, unit: 'ms' },
        {
          name: '`true` in the sandbox, warm, run + dispose',
          value: cycle,
          unit: 'ms',
          ratio: {
            value: cycle / reference,
            against: 'bare bwrap',
            target: '≤ 2',
            met: cycle / reference <= 2,
          },
        },
      );
      await rm(bare.workDir, { recursive: true, force: true });
    }
    figures.push(...freshProcessFigures());
    return figures;
  } finally {
    await rm(submission, { recursive: true, force: true });
  }
}

/** The argv runSandboxed builds for `true` in this mode and runtime, with an empty copy. */
async function bareBwrapArgv(policy: ReturnType<typeof sandboxPolicy>) {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-bare-'));
  await chmod(workDir, 0o755);
  const root = process.getuid?.() === 0;
  const { argv } = sandboxArgv({
    mode: 'bwrap',
    policy,
    workDir,
    hiddenPaths: [],
    runtime: await resolveRuntime(policy.runtime),
    gpuDevices: [],
    uid: root ? 2_999_999 : undefined,
    command: 'true',
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp' },
  });
  return { argv, workDir };
}

/**
 * The first runSandboxed of a new node process (runtime resolution, mode probe, cgroup join check,
 * quota sweep), with an empty cache directory and then with the cache that first process wrote.
 */
function freshProcessFigures(): BenchFigure[] {
  const module = pathToFileURL(fileURLToPath(new URL('../src/sandbox/run-sandboxed.js', import.meta.url)));
  const spec = pathToFileURL(fileURLToPath(new URL('../src/sandbox/sandbox-spec.js', import.meta.url)));
  const script = [
    `const { runSandboxed } = await import(${JSON.stringify(module.href)});`,
    `const { sandboxPolicy } = await import(${JSON.stringify(spec.href)});`,
    'const { mkdtempSync } = await import("node:fs");',
    'const dir = mkdtempSync("/tmp/mlgrade-bench-fresh-");',
    'const start = performance.now();',
    'const { session } = await runSandboxed({ submissionDir: dir, command: "true", policy: sandboxPolicy({}) });',
    'const ms = performance.now() - start;',
    'await session.dispose();',
    'const { rmSync } = await import("node:fs"); rmSync(dir, { recursive: true });',
    'console.log(ms);',
  ].join('\n');
  const first = (cacheDir: string) =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, MLGRADE_CACHE_DIR: cacheDir },
        encoding: 'utf8',
      }).trim(),
    );
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < FRESH_PROCESSES; i++) {
    const cacheDir = path.join(os.tmpdir(), `mlgrade-bench-cache-${process.pid}-${i}`);
    try {
      cold.push(first(cacheDir));
      cached.push(first(cacheDir));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const withoutCache = median(cold);
  const withCache = median(cached);
  return [
    { name: 'first `true` of a fresh process, empty cache', value: withoutCache, unit: 'ms' },
    {
      name: 'first `true` of a fresh process, runtime + mode cached',
      value: withCache,
      unit: 'ms',
      ratio: { value: withCache / withoutCache, against: 'empty cache' },
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run()) {
    const ratio = figure.ratio
      ? `  (ratio ${figure.ratio.value.toFixed(2)} vs ${figure.ratio.against}${figure.ratio.target ? `, target ${figure.ratio.target}: ${figure.ratio.met ? 'met' : 'NOT met'}` : ''})`
      : '';
    console.log(`${figure.name.padEnd(58)} ${figure.value.toFixed(2)} ${figure.unit}${ratio}`);
  }
}

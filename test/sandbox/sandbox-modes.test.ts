/** The environment allow-list, the unshare fallback and the warned `none` mode, on real runs. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reproduceCheck } from '../../src/checks/reproduce.js';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';
import { sandboxProcessesAlive } from './sandbox-helpers.js';

async function run(command: string, mode: 'auto' | 'unshare' | 'none' = 'auto') {
  const dir = await tempDir({ 'README.md': 'x' });
  const { session, result } = await runSandboxed({
    submissionDir: dir,
    command,
    policy: sandboxPolicy({ mode, wall_seconds: 10 }),
    env: { SEED: '5' },
  });
  await session.dispose();
  return result;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  expect(await sandboxProcessesAlive()).toBe(0);
});

describe('sandbox modes', () => {
  it('passes only allow-listed variables: no tokens, no runner variables', async () => {
    vi.stubEnv('GITHUB_TOKEN', 'ghs_secret');
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', 'runtime_secret');
    vi.stubEnv('RUNNER_TEMP', '/runner/tmp');
    const result = await run('env');
    const names = result.output
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0]);
    expect(result.output).not.toMatch(/secret|RUNNER_|GITHUB_/);
    expect(names).toContain('SEED');
    expect(
      names.every((name) =>
        /^(PATH|HOME|TMPDIR|LANG|PWD|SHLVL|_|PYTHON\w+|MPLBACKEND|CUDA_VISIBLE_DEVICES|MLGRADE_\w+|SEED)$/.test(
          name!,
        ),
      ),
    ).toBe(true);
  });

  it('runs unshare with no network and a dedicated uid as root, and refuses it to a non-root grader', async () => {
    const command =
      "id -u; node -e \"require('net').connect(80, '1.1.1.1').on('error', (e) => console.log(e.code))\"";
    if (process.getuid?.() !== 0) {
      await expect(run(command, 'unshare')).rejects.toThrow(/as the runner's own user/);
      return;
    }
    const result = await run(command, 'unshare');
    expect(result.mode).toBe('unshare');
    const [uid, error] = result.output.trim().split('\n');
    expect(Number(uid)).toBeGreaterThanOrEqual(2_000_000);
    expect(error).toBe('ENETUNREACH');
  });

  it('runs without isolation only when the config says none, and the check warns', async () => {
    const dir = await tempDir({
      'experiment.yaml': 'command: node write.cjs\nseed: 1\n',
      'write.cjs': "require('fs').writeFileSync('metrics.json', JSON.stringify({ a: 1 }));",
      'metrics.json': '{"a": 1}',
    });
    const outcome = await runCheck(
      reproduceCheck,
      { metrics: { a: {} }, sandbox: { mode: 'none' } },
      contextFor(dir),
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.findings![0]).toMatchObject({ level: 'warning' });
    expect(outcome.findings![0]!.message).toContain('WITHOUT a sandbox');
  });
});

/** Runs the CLI in-process with captured output, and the built launcher as a real process. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.js';

/** Package root of the checkout under test. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The example course config. */
export const EXAMPLE_CONFIG = path.join(ROOT, 'examples', 'course', 'mlgrade.yml');
/** An example submission directory by name. */
export const exampleSubmission = (name: string) => path.join(ROOT, 'examples', 'submissions', name);

/** Runs `mlgrade ARGV` in this process; returns exit code and captured output. */
export async function runCli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    color: false,
  });
  return { code, stdout, stderr };
}

/** Runs `node bin/mlgrade.js ARGV` as a child process (needs `npm run build` first, as `npm test` does). */
export async function spawnCli(argv: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin', 'mlgrade.js'), ...argv],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

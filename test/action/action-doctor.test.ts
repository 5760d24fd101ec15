/**
 * The action's doctor mode as the runner runs it: the bundle (built fresh from action/) started as
 * a process with INPUT_* variables and a real GITHUB_STEP_SUMMARY file, on this machine.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleAction } from '../../scripts/bundle-action.js';
import { bubblewrapWorksHere } from '../helpers/bubblewrap-here.js';
import { tempDir } from '../helpers/temp-dir.js';

let dist = '';
beforeAll(async () => {
  dist = path.join(await tempDir(), 'dist');
  await bundleAction(dist);
}, 120_000);

/** Runs the action's bundle with `inputs` (as INPUT_* variables); returns exit code, log and summary. */
async function action(inputs: Record<string, string>) {
  const work = await tempDir();
  const summaryFile = path.join(work, 'step-summary.md');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MLGRADE_CACHE_DIR: path.join(work, 'cache'),
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [path.join(dist, 'index.cjs')], {
      cwd: work,
      env,
    }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    code = failed.code ?? -1;
    stdout = failed.stdout ?? '';
  }
  return { code, stdout, summary: await readFile(summaryFile, 'utf8'), work };
}

describe('the action with doctor: true', () => {
  it('writes the items to the job summary as a table and succeeds when nothing is missing', async () => {
    const { code, stdout, summary, work } = await action({
      doctor: 'true',
      config: path.resolve('examples/course/mlgrade.yml'),
    });
    expect(code).toBe(0);
    expect(summary).toMatch(
      /^## mlgrade doctor: \d+ ok, \d+ warnings?, 0 missing\n\n\| Status +\| Item +\| Found +\| Fix +\|\n/,
    );
    const row = (item: string) => summary.split('\n').find((line) => line.split('|')[2]?.trim() === item);
    expect(row('bubblewrap')).toMatch(
      bubblewrapWorksHere()
        ? /^\| ✅ ok +\| bubblewrap +\| .*bwrap \(bubblewrap [\d.]+\) creates a sandbox here/
        : /^\| ⚠️ warning +\| bubblewrap +\| .+\| apt-get install -y bubblewrap/,
    );
    expect(row('gpu')).toMatch(/^\| ✅ ok +\| gpu +\| no NVIDIA GPU \(nvidia-smi not found\) +\| +\|$/);
    expect(row('config')).toContain('valid, 7 assignments');
    // The action declares node24; this test runs its bundle on the Node that runs the tests.
    const major = Number(process.versions.node.split('.')[0]);
    expect(row('node')).toMatch(major >= 24 ? /^\| ✅ ok/ : /^\| ⚠️ warning .*declares node24/);
    expect(stdout).toContain('mlgrade doctor: ');
    // Doctor mode grades nothing.
    await expect(readFile(path.join(work, 'mlgrade-results.json'))).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('fails the step, annotated, when something is missing, and still writes the table', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'no-such-hidden-data');
    const { code, stdout, summary } = await action({ doctor: 'true', data });
    expect(code).toBe(1);
    expect(summary).toMatch(/^## mlgrade doctor: \d+ ok, \d+ warnings?, 1 missing\n/);
    expect(summary).toMatch(
      new RegExp(
        `\\| ❌ missing +\\| hidden data +\\| ${data} does not exist +\\| copy the hidden test sets`,
      ),
    );
    expect(stdout).toContain(
      `::error title=mlgrade doctor%3A hidden data missing::${data} does not exist. Fix: copy the hidden test sets`,
    );
    expect(stdout).toMatch(
      /::error::This runner cannot grade: hidden data missing \(\d+ ok, \d+ warnings?, 1 missing\); the job summary says what to install or change\./,
    );
  }, 60_000);

  it('refuses a doctor input that is neither true nor false', async () => {
    const { code, stdout } = await action({
      doctor: 'yes',
      config: path.resolve('examples/course/mlgrade.yml'),
    });
    expect(code).toBe(1);
    expect(stdout).toContain(
      `::error::Invalid input 'doctor': "yes". Expected true (check the runner, grade nothing) or false.`,
    );
  }, 60_000);
});

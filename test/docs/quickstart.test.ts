/**
 * docs/quickstart.md, run as written: every `npx mlgrade …` command of its shell blocks, in order, in
 * an empty directory, as real processes of the built CLI (`npm test` builds first). The output the
 * page shows must be what the grade prints, and the manual score it shows must resolve against the
 * scaffolded rubric. The page's other commands are the install (CI's own `npm ci` on a fresh clone)
 * and `npm start`, which must stay the entrypoint the app-process tests run.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveScore } from '../../src/attempt/resolve-score.js';
import { parseCommands } from '../../src/attempt/score-commands.js';
import { loadConfig } from '../../src/config/load-config.js';
import { freePort } from '../e2e/app-process.js';
import { bubblewrapWorksHere } from '../helpers/bubblewrap-here.js';
import { ROOT } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const page = readFileSync(path.join(ROOT, 'docs', 'quickstart.md'), 'utf8');
const blocks = (language: string) =>
  [...page.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1]!);
const shellLines = blocks('sh').flatMap((block) => block.split('\n').filter((line) => line.trim() !== ''));

/** Splits a command line into words; the page's commands use no quoting. */
const words = (line: string) => line.trim().split(/\s+/);

async function mlgrade(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin', 'mlgrade.js'), ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('docs/quickstart.md', () => {
  it('has only mlgrade commands besides the install and npm start', () => {
    const others = shellLines.filter((line) => !line.startsWith('npx mlgrade '));
    expect(others).toEqual([
      'git clone https://github.com/mlgrade/mlgrade && cd mlgrade',
      'npm ci',
      'npm start',
    ]);
    // test/server/app-entrypoint and test/e2e start the app as `node build/src/app.js`.
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toMatch(/(^|&& )node build\/src\/app\.js$/);
  });

  it('runs every mlgrade command in order from an empty directory: init, validate --data, grade, doctor', async () => {
    const cwd = await tempDir();
    const commands = shellLines.filter((line) => line.startsWith('npx mlgrade '));
    expect(commands.map((line) => words(line)[2])).toEqual(['init', 'validate', 'grade', 'doctor']);
    const outputs: Record<string, { code: number; stdout: string; stderr: string }> = {};
    for (const line of commands) {
      const args = words(line).slice(2);
      const result = await mlgrade(args, cwd);
      outputs[args[0]!] = result;
      expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: '' });
    }
    expect(outputs.init!.stdout).toMatch(/^mlgrade init: the starter course in my-course \(11 created,/);
    expect(outputs.validate!.stdout).toMatch(/: valid \(0 errors, 0 warnings\)\n$/);
    const shown = blocks('text')[0]!.trimEnd().split('\n');
    const printed = outputs.grade!.stdout.split('\n').map((line) => line.trimEnd());
    for (const line of shown) expect(printed).toContain(line);
    expect(outputs.doctor!.stdout).toMatch(
      bubblewrapWorksHere() ? /\nmlgrade doctor: \d+ ok, 0 warnings, 0 missing\n$/ : /, 0 missing\n$/,
    );

    // Running init again changes nothing, as the page says.
    const again = await mlgrade(words(commands[0]!).slice(2), cwd);
    expect(again.stdout).toMatch(/\(0 created, 11 unchanged, 0 kept, 0 replaced\)/);

    // The manual score the page shows is a command the app accepts for the scaffolded rubric.
    const comment = blocks('text').find((block) => block.startsWith('/mlgrade score'))!;
    const { commands: parsed, errors } = parseCommands(comment);
    expect(errors).toEqual([]);
    const { config } = await loadConfig(path.join(cwd, 'my-course/config-repo/.github/mlgrade.yml'));
    const score = parsed[0]!;
    if (score.kind !== 'score') throw new Error('expected a score command');
    const resolved = resolveScore(config!.assignments, score);
    expect(resolved).toMatchObject({
      assignmentId: 'project-1',
      points: 15,
      reason: 'clear structure, good names',
    });
  }, 120_000);

  it("step 6: npm start's app, with no APP_ID yet, serves the page with Register GitHub App", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: await tempDir(), PORT: String(port) };
    const child = spawn(process.execPath, [path.join(ROOT, 'build', 'src', 'app.js')], {
      cwd: await tempDir(),
      env,
      stdio: 'ignore',
    });
    try {
      let page = '';
      for (let tries = 0; tries < 100 && !page.includes('Register GitHub App'); tries++) {
        page = await fetch(`http://127.0.0.1:${port}/probot`)
          .then((response) => response.text())
          .catch(() => '');
        if (!page.includes('Register GitHub App')) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(page).toContain('Register GitHub App');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 60_000);
});

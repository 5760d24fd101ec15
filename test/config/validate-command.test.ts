import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const relative = (name: string) => path.relative(ROOT, fixture(name));

/** Runs validateCommand from the repository root with string sinks. */
async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await validateCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

describe('validateCommand', () => {
  it('exits 0 for a valid config and says so', async () => {
    const result = await run([relative('valid-course.yml')]);
    expect(result).toEqual({
      code: 0,
      stdout: `${relative('valid-course.yml')}: valid (0 errors, 0 warnings)\n`,
      stderr: '',
    });
  });

  it('prints every problem as file:line:column  path  message, then a summary, and exits 2', async () => {
    const file = relative('config-with-three-errors.yml');
    const { code, stdout, stderr } = await run([file]);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3).map((line) => line.split('  ').slice(0, 2).join('  '))).toEqual([
      `${file}:5:13  course.timezone`,
      `${file}:13:9  assignments[0].checks[0].requird`,
      `${file}:21:17  assignments[0].rubric[1].metric`,
    ]);
    expect(lines.slice(3)).toEqual(['', `${file}: invalid (3 errors, 0 warnings)`]);
  });

  it('sorts problems of several files by file, then line', async () => {
    const files = [relative('config-with-unknown-check.yml'), relative('config-malformed.yml')];
    const { code, stdout } = await run(files);
    expect(code).toBe(2);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/config-malformed\.yml:6:\d+ {2}invalid YAML/);
    expect(lines[1]).toMatch(/config-with-unknown-check\.yml:9:15 {2}assignments\[0\]\.checks\[0\]\.kind/);
    expect(lines.at(-1)).toBe('2 configs: 2 invalid (2 errors, 0 warnings)');
  });

  it('prints the problems as JSON with --json', async () => {
    const { code, stdout } = await run(['--json', relative('config-with-unknown-check.yml')]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({
        file: relative('config-with-unknown-check.yml'),
        line: 9,
        column: 15,
        path: 'assignments[0].checks[0].kind',
        level: 'error',
      }),
    ]);
  });

  it('exits 2 with the usage text for a missing file argument or an unknown flag', async () => {
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^mlgrade validate: missing FILE.*\n\nUsage: mlgrade validate FILE/);
    const unknown = await run(['--jsn', 'x.yml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mlgrade validate: .*--jsn.*\n\nUsage: /);
    expect((await run(['--help'])).stdout).toMatch(/^Usage: mlgrade validate/);
  });

  const built = existsSync(path.join(ROOT, 'build/src/cli/main.js'));
  it.runIf(built)(
    'runs as `mlgrade validate` from the built CLI, exiting 2 without a stack trace',
    async () => {
      const file = relative('config-with-three-errors.yml');
      const result = await promisify(execFile)(process.execPath, ['bin/mlgrade.js', 'validate', file], {
        cwd: ROOT,
      }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toContain(
        `${file}:13:9  assignments[0].checks[0].requird  unknown option "requird"`,
      );
      expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`${file}: invalid (3 errors, 0 warnings)`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

describe('validateCommand: pass lists and checks that feed no criterion', () => {
  /** Three checks; the criterion on line 16 reads `pass`, whose second id starts at column 23. */
  const config = (pass: string) => `course: {id: c, title: C}
assignments:
  - id: a1
    title: A1
    checks:
      - id: build
        kind: files
      - id: tests
        kind: files
      - id: lint
        kind: files
    rubric:
      - id: done
        title: Done
        points: 10
        pass: ${pass}
`;
  const unused = (id: string) =>
    `warning: check "${id}" feeds no criterion: its result is shown but scores no points; add a criterion with \`pass: ${id}\` or \`metric: ${id}.<metric>\`, or remove the check`;

  it('warns at the id of a check no criterion reads and still exits 0', async () => {
    const file = path.join(await tempDir({ 'mlgrade.yml': config('[build, tests]') }), 'mlgrade.yml');
    expect(await run([file])).toEqual({
      code: 0,
      stdout: `${file}:10:13  assignments[0].checks[2].id  ${unused('lint')}\n\n${file}: valid (0 errors, 1 warning)\n`,
      stderr: '',
    });
  });

  it('refuses a mistyped id in a pass list at its place in the list, with the id it was meant to be', async () => {
    const file = path.join(await tempDir({ 'mlgrade.yml': config('[build, tset]') }), 'mlgrade.yml');
    expect(await run([file])).toEqual({
      code: 2,
      stdout: [
        `${file}:8:13  assignments[0].checks[1].id  ${unused('tests')}`,
        `${file}:10:13  assignments[0].checks[2].id  ${unused('lint')}`,
        `${file}:16:23  assignments[0].rubric[0].pass[1]  no check with id "tset" in this assignment — did you mean "tests"? (checks in this assignment: build, tests, lint)`,
        '',
        `${file}: invalid (1 error, 2 warnings)`,
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('accepts a single id as before', async () => {
    const file = path.join(await tempDir({ 'mlgrade.yml': config('tests') }), 'mlgrade.yml');
    const result = await run([file]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`${file}: valid (0 errors, 2 warnings)`);
  });
});

/**
 * `mlgrade init` on the command line: what it prints, and the requests it refuses with exit 2 and
 * nothing written (an unknown preset, a non-empty directory, a bad option).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('mlgrade init', () => {
  it('names the course after the directory, pins the runner labels, and prints the next commands', async () => {
    const dir = path.join(await tempDir(), 'Deep Learning 2027');
    const { code, stdout, stderr } = await runCli([
      'init',
      dir,
      '--runs-on',
      'self-hosted, h100',
      '--timezone',
      'UTC',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const config = parse(await readFile(path.join(dir, 'config-repo/.github/mlgrade.yml'), 'utf8'));
    expect(config.course).toEqual({ id: 'deep-learning-2027', title: 'deep-learning-2027', timezone: 'UTC' });
    const workflow = parse(
      await readFile(path.join(dir, 'grader-repo/.github/workflows/mlgrade-grade.yml'), 'utf8'),
    );
    expect(workflow.on.workflow_dispatch.inputs.runs_on.default).toBe('["self-hosted","h100"]');
    expect(await readFile(path.join(dir, 'grader-repo/README.md'), 'utf8')).toContain(
      `MLGRADE_RUNS_ON='["self-hosted","h100"]'`,
    );
    // The directory has a space: the printed commands quote it so they can be pasted.
    expect(stdout).toContain(
      `npx mlgrade validate '${dir}/config-repo/.github/mlgrade.yml' --data '${dir}/hidden-data'`,
    );
    expect(stdout).toContain(`npx mlgrade grade '${dir}/example-submission' --config`);
  });

  it('says which files it kept when the instructor changed them, and replaces them with --force', async () => {
    const dir = await tempDir();
    await runCli(['init', dir]);
    await writeFile(path.join(dir, 'config-repo/README.md'), '# our TAs\n');
    const kept = await runCli(['init', dir]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/\(0 created, 10 unchanged, 1 kept, 0 replaced\)/);
    expect(kept.stdout).toContain('kept (yours differs)  config-repo/README.md');
    expect(await readFile(path.join(dir, 'config-repo/README.md'), 'utf8')).toBe('# our TAs\n');
    const forced = await runCli(['init', dir, '--force']);
    expect(forced.stdout).toMatch(/\n {2}replaced +config-repo\/README\.md\n/);
    expect(await readFile(path.join(dir, 'config-repo/README.md'), 'utf8')).not.toBe('# our TAs\n');
  });

  it('refuses an unknown preset, a non-empty directory and bad options with exit 2, writing nothing', async () => {
    const root = await tempDir({ 'notes.md': 'mine\n' });
    const preset = await runCli(['init', path.join(root, 'a'), '--preset', 'tinytorh']);
    expect(preset).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'mlgrade init: unknown preset "tinytorh" — did you mean "tinytorch"? (built in: experiments, technical-note, tinytorch); nothing was written\n',
    });
    const full = await runCli(['init', root]);
    expect(full.code).toBe(2);
    expect(full.stderr).toBe(
      `mlgrade init: ${root} is not empty (notes.md) and holds no mlgrade scaffold; name a new or empty directory, or pass --force to add the scaffold beside what is there; nothing was written\n`,
    );
    const zone = await runCli(['init', path.join(root, 'b'), '--timezone', 'Mars/Olympus']);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toMatch(/^mlgrade init: --timezone "Mars\/Olympus" is not an IANA time zone/);
    const form = await runCli(['init', path.join(root, 'c'), '--workflow', 'parallel']);
    expect(form.stderr).toMatch(
      /^mlgrade init: --workflow is matrix or batch, not "parallel"\n\nUsage: mlgrade init/,
    );
    expect(await readdir(root)).toEqual(['notes.md']);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireConfig } from '../../src/config/load-config.js';
import { brief, fixture, loadFixture } from './helpers.js';

describe('loadConfig', () => {
  it('returns a valid config with no problems', async () => {
    const result = await loadFixture('valid-course.yml');
    expect(result.problems).toEqual([]);
    expect(result.sources).toEqual(['valid-course.yml']);
    expect(result.config?.course.id).toBe('ml-systems');
    expect(result.config?.assignments[0]?.checks.map((c) => c.kind)).toEqual(['files', 'experiment']);
  });

  it('reports all three planted errors with their lines', async () => {
    const { config, problems } = await loadFixture('config-with-three-errors.yml');
    expect(config).toBeUndefined();
    expect(brief(problems)).toEqual([
      'config-with-three-errors.yml:5  course.timezone  unknown time zone "Europe/Viena" (use an IANA name such as "Europe/Vienna", "America/New_York" or "UTC")',
      'config-with-three-errors.yml:13  assignments[0].checks[0].requird  unknown option "requird" for a files check — did you mean "required"? (allowed: id, kind, title, hidden, required, max_file_bytes, max_total_bytes, readme)',
      'config-with-three-errors.yml:21  assignments[0].rubric[1].metric  no check with id "deliverabels" in this assignment — did you mean "deliverables"? (checks in this assignment: deliverables)',
    ]);
    expect(problems.map((p) => [p.column, p.level])).toEqual([
      [13, 'error'],
      [9, 'error'],
      [17, 'error'],
    ]);
  });

  it('names an unknown check kind once, with a suggestion, and not its options', async () => {
    const { problems } = await loadFixture('config-with-unknown-check.yml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'config-with-unknown-check.yml', line: 9, column: 15 });
    expect(problems[0]?.path).toBe('assignments[0].checks[0].kind');
    expect(problems[0]?.message).toMatch(
      /^unknown check kind "filez" — did you mean "files"\? \(available: files, /,
    );
  });

  it('reports malformed YAML with its position and a hint', async () => {
    const { config, problems } = await loadFixture('config-malformed.yml');
    expect(config).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'config-malformed.yml', line: 6, level: 'error' });
    expect(problems[0]?.message).toMatch(/^invalid YAML: .+\(.*indentation.*\)$/);
  });

  it('rejects duplicate keys', async () => {
    const { problems } = await loadFixture('config-with-duplicate-keys.yml');
    expect(brief(problems)).toEqual([
      'config-with-duplicate-keys.yml:4    invalid YAML: Map keys must be unique (each key may appear once in a mapping; remove or merge the repeated key)',
    ]);
  });

  it('gives one clear error for a file that is missing, empty, a directory, binary or huge', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mlgrade-config-'));
    try {
      await writeFile(path.join(dir, 'binary.yml'), Buffer.from([0x63, 0x3a, 0x00, 0x01, 0x02]));
      await writeFile(path.join(dir, 'huge.yml'), `x: "${'a'.repeat(1024 * 1024)}"\n`);
      await writeFile(path.join(dir, 'blank.yml'), '\n  \n');
      const messages = async (name: string) =>
        (await loadConfig(path.join(dir, name), { displayRoot: dir })).problems.map(
          (p) => `${p.file}:${p.line}  ${p.message}`,
        );
      expect(await messages('missing.yml')).toEqual(['missing.yml:1  cannot read config: file not found']);
      expect(await messages('blank.yml')).toEqual(['blank.yml:1  cannot read config: the file is empty']);
      expect(await messages('binary.yml')).toEqual([
        'binary.yml:1  cannot read config: it is a binary file, not YAML',
      ]);
      expect(await messages('huge.yml')).toEqual([
        'huge.yml:1  cannot read config: the file is too large for a config (1048582 bytes; the limit is 1048576)',
      ]);
      expect(await messages('.')).toEqual([`${dir}:1  cannot read config: it is a directory, not a file`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('treats a file of comments only as empty', async () => {
    const { problems } = await loadFixture('config-empty.yml');
    expect(brief(problems)).toEqual(['config-empty.yml:1    the config file is empty']);
  });

  it('throws a ConfigError listing the errors from requireConfig', async () => {
    await expect(requireConfig(fixture('valid-course.yml'))).resolves.toMatchObject({
      course: { id: 'ml-systems' },
    });
    const error = await requireConfig(fixture('config-with-unknown-check.yml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(1);
    expect((error as ConfigError).message).toMatch(
      /^invalid course config \(1 error\):\n.*config-with-unknown-check\.yml:9:15 /,
    );
  });
});

describe('course.sandbox', () => {
  /** valid-course.yml with `sandbox_yaml` (lines indented under `course:`) added after the time zone. */
  async function withCourseSandbox(sandboxYaml: string) {
    const text = await readFile(fixture('valid-course.yml'), 'utf8');
    const dir = await mkdtemp(path.join(tmpdir(), 'mlgrade-config-'));
    try {
      const file = path.join(dir, 'mlgrade.yml');
      await writeFile(
        file,
        text.replace('  timezone: Europe/Vienna\n', `  timezone: Europe/Vienna\n${sandboxYaml}`),
      );
      return await loadConfig(file, { displayRoot: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('accepts course-wide sandbox defaults (docs/config.md)', async () => {
    const { config, problems } = await withCourseSandbox(
      '  sandbox:\n    runtime: /opt/ml-venv\n    requires: [numpy, torch]\n    memory_mb: 2048\n',
    );
    expect(problems).toEqual([]);
    expect(config?.course.sandbox).toEqual({
      runtime: '/opt/ml-venv',
      requires: ['numpy', 'torch'],
      memory_mb: 2048,
    });
  });

  it('names an unknown key in it, on its line', async () => {
    const { config, problems } = await withCourseSandbox('  sandbox:\n    runtme: /opt/ml-venv\n');
    expect(config).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'course.sandbox.runtme', line: 7 });
  });
});

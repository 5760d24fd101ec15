/**
 * writeScaffold never loses an instructor's file: identical files are left alone, differing ones
 * kept unless forced, links refused before anything is written; checkTarget refuses a directory
 * that holds something else.
 */
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InitError } from '../../src/init/scaffold-course.js';
import { checkTarget, writeScaffold } from '../../src/init/write-scaffold.js';
import { tempDir } from '../helpers/temp-dir.js';

const files = [
  { path: 'config-repo/.github/mlgrade.yml', content: Buffer.from('course: {}\n') },
  { path: 'grader-repo/README.md', content: Buffer.from('# grader\n') },
];

describe('writeScaffold', () => {
  it('creates, then leaves identical files alone, keeps a changed one, and replaces it only with force', async () => {
    const dir = path.join(await tempDir(), 'course');
    expect(await writeScaffold(dir, files, false)).toEqual([
      { path: 'config-repo/.github/mlgrade.yml', outcome: 'created' },
      { path: 'grader-repo/README.md', outcome: 'created' },
    ]);
    expect(await readFile(path.join(dir, 'grader-repo/README.md'), 'utf8')).toBe('# grader\n');
    await writeFile(path.join(dir, 'grader-repo/README.md'), '# ours\n');
    expect(await writeScaffold(dir, files, false)).toEqual([
      { path: 'config-repo/.github/mlgrade.yml', outcome: 'unchanged' },
      { path: 'grader-repo/README.md', outcome: 'kept' },
    ]);
    expect(await readFile(path.join(dir, 'grader-repo/README.md'), 'utf8')).toBe('# ours\n');
    expect((await writeScaffold(dir, files, true))[1]).toEqual({
      path: 'grader-repo/README.md',
      outcome: 'overwritten',
    });
    expect(await readFile(path.join(dir, 'grader-repo/README.md'), 'utf8')).toBe('# grader\n');
    // No temporary file is left beside the ones written.
    expect(await readdir(path.join(dir, 'grader-repo'))).toEqual(['README.md']);
  });

  it('refuses a directory that is a link, before writing any file', async () => {
    const root = await tempDir();
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere);
    const dir = path.join(root, 'course');
    await mkdir(dir);
    await symlink(elsewhere, path.join(dir, 'grader-repo'));
    await expect(writeScaffold(dir, files, true)).rejects.toThrow(
      new InitError(
        `${path.join(dir, 'grader-repo')} is a symbolic link; init writes only into real directories: move it away and run init again`,
      ),
    );
    expect(await readdir(elsewhere)).toEqual([]);
    // The file before the link in the list was not written either.
    await expect(lstat(path.join(dir, 'config-repo'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a file that is a link, even with force', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'grader-repo'));
    const outside = path.join(await tempDir(), 'secret');
    await writeFile(outside, 'keep\n');
    await symlink(outside, path.join(dir, 'grader-repo/README.md'));
    await expect(writeScaffold(dir, files, true)).rejects.toThrow(
      /README\.md exists and is not a regular file/,
    );
    expect(await readFile(outside, 'utf8')).toBe('keep\n');
  });
});

describe('checkTarget', () => {
  it('accepts a missing or empty directory and one holding a scaffold', async () => {
    const root = await tempDir();
    expect(await checkTarget(path.join(root, 'new'), false)).toBe(false);
    expect(await checkTarget(root, false)).toBe(false);
    await mkdir(path.join(root, 'config-repo'));
    await writeFile(path.join(root, 'notes.txt'), '');
    expect(await checkTarget(root, false)).toBe(true);
  });

  it('refuses a non-empty directory without a scaffold unless forced, and a file', async () => {
    const root = await tempDir({ 'a.txt': '', 'b.txt': '' });
    await expect(checkTarget(root, false)).rejects.toThrow(
      `${root} is not empty (a.txt, b.txt) and holds no mlgrade scaffold; name a new or empty directory, or pass --force to add the scaffold beside what is there`,
    );
    expect(await checkTarget(root, true)).toBe(false);
    await expect(checkTarget(path.join(root, 'a.txt'), false)).rejects.toThrow(
      /exists and is not a directory/,
    );
  });
});

import { realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInside } from '../../src/files/input-files.js';
import { isInside } from '../../src/files/path-inside.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('isInside', () => {
  it('is true for the parent itself and anything below it', () => {
    expect(isInside('/a', '/a')).toBe(true);
    expect(isInside('/a/b/c', '/a')).toBe(true);
    expect(isInside('/a/b', '/')).toBe(true);
  });

  it('is false for siblings, parents and lookalike prefixes', () => {
    expect(isInside('/ab', '/a')).toBe(false);
    expect(isInside('/', '/a')).toBe(false);
    expect(isInside('/b/c', '/a')).toBe(false);
  });

  it('counts a name that begins with two dots as inside (only `..` itself leaves)', () => {
    // path.relative('/a', '/a/..cache') is "..cache": a startsWith('..') test called it outside, so
    // a hidden path named like that under a mounted directory was not masked.
    expect(isInside('/a/..cache', '/a')).toBe(true);
    expect(isInside('/a/..cache/x', '/a')).toBe(true);
    expect(isInside('/a/...', '/a')).toBe(true);
  });
});

describe('resolveInside', () => {
  it('accepts a file under the root directory / (its realpath prefix is not "//")', async () => {
    const file = path.join(await realpath(await tempDir({ 'a.txt': 'a' })), 'a.txt');
    expect(await resolveInside('/', path.relative('/', file))).toBe(file);
  });

  it('still refuses a link out of its root', async () => {
    const outside = await tempDir({ 'secret.txt': 's' });
    const dir = await tempDir();
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'link.txt'));
    await expect(resolveInside(dir, 'link.txt')).rejects.toThrow(/points outside the submission/);
  });
});

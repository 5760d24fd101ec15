import { describe, expect, it } from 'vitest';
import { isInside } from '../../src/files/path-inside.js';

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

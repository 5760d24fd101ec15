import { describe, expect, it } from 'vitest';
import { displayPath, locate, locateKey, parseYaml, toPlain } from '../../src/config/yaml-positions.js';

describe('parseYaml', () => {
  it('keeps the position of every value and key', () => {
    const { root, problems } = parseYaml('course:\n  id: c1\nlist:\n  - a\n  - {b: 2}\n', 'f.yml');
    expect(problems).toEqual([]);
    expect(locate(root!, ['course', 'id']).at).toEqual({ file: 'f.yml', line: 2, column: 7 });
    expect(locateKey(root!, ['course'], 'id')).toEqual({ file: 'f.yml', line: 2, column: 3 });
    expect(locate(root!, ['list', 1, 'b']).at).toEqual({ file: 'f.yml', line: 5, column: 9 });
    // A path that leaves the tree points at the deepest node that exists.
    expect(locate(root!, ['list', 7, 'x']).at.line).toBe(4);
  });

  it('expands aliases and reports one that has no anchor', () => {
    const ok = parseYaml('a: &x {k: 1}\nb: *x\n', 'f.yml');
    expect(toPlain(ok.root!)).toEqual({ a: { k: 1 }, b: { k: 1 } });
    const bad = parseYaml('a: 1\nb: *nope\n', 'f.yml');
    expect(bad.root).toBeUndefined();
    expect(bad.problems).toEqual([
      {
        file: 'f.yml',
        line: 2,
        column: 4,
        path: '',
        message: 'alias *nope refers to no anchor defined before it',
        level: 'error',
      },
    ]);
  });

  it('stops alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const { root, problems } = parseYaml(`${lines.join('\n')}\n`, 'f.yml');
    expect(root).toBeUndefined();
    expect(problems[0]?.message).toMatch(/too many values/);
  });

  it('reads YAML 1.2 scalars: dates and yes/no stay text', () => {
    const { root } = parseYaml('due: 2026-12-04\nflag: yes\nn: 0.85\nz: ~\n', 'f.yml');
    expect(toPlain(root!)).toEqual({ due: '2026-12-04', flag: 'yes', n: 0.85, z: null });
  });

  it('keeps a __proto__ key as data', () => {
    const value = toPlain(parseYaml('__proto__: {polluted: true}\n', 'f.yml').root!) as Record<
      string,
      unknown
    >;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports tabs and a second document with hints', () => {
    expect(parseYaml('a:\n\tb: 1\n', 'f.yml').problems[0]?.message).toMatch(
      /^invalid YAML: .*\(.*use spaces\)$/,
    );
    expect(parseYaml('a: 1\n---\nb: 2\n', 'f.yml').problems[0]?.message).toMatch(
      /remove the `---` separator/,
    );
  });
});

describe('displayPath', () => {
  it('writes indexes in brackets and odd keys quoted', () => {
    expect(displayPath(['assignments', '2', 'checks', 0, 'kind'])).toBe('assignments[2].checks[0].kind');
    expect(displayPath(['a', 'b c'])).toBe('a["b c"]');
    expect(displayPath([])).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { mergeConfigs } from '../../src/config/merge-config.js';
import { parseYaml, toPlain, type YamlNode } from '../../src/config/yaml-positions.js';

function node(text: string, file: string): YamlNode {
  const { root, problems } = parseYaml(text, file);
  expect(problems).toEqual([]);
  return root!;
}

describe('mergeConfigs', () => {
  it('deep-merges mappings with the extending side winning', () => {
    const merged = mergeConfigs(
      node('a: {x: 1, y: 2}\nb: 1\n', 'base'),
      node('a: {y: 3, z: 4}\nc: 5\n', 'own'),
    );
    expect(toPlain(merged)).toEqual({ a: { x: 1, y: 3, z: 4 }, b: 1, c: 5 });
  });

  it('replaces lists other than assignments, checks and rubric', () => {
    const merged = mergeConfigs(node('tags: [a, b]\n', 'base'), node('tags: [c]\n', 'own'));
    expect(toPlain(merged)).toEqual({ tags: ['c'] });
  });

  it('merges assignments by id in place and appends new ids', () => {
    const base = node('assignments:\n  - {id: a, title: A, weight: 1}\n  - {id: b, title: B}\n', 'base');
    const own = node('assignments:\n  - {id: c, title: C}\n  - {id: a, weight: 2}\n', 'own');
    expect(toPlain(mergeConfigs(base, own))).toEqual({
      assignments: [
        { id: 'a', title: 'A', weight: 2 },
        { id: 'b', title: 'B' },
        { id: 'c', title: 'C' },
      ],
    });
  });

  it('keeps a second entry with a repeated id instead of folding it in', () => {
    const base = node('assignments:\n  - {id: a, title: A}\n', 'base');
    const own = node('assignments:\n  - {id: a, title: A1}\n  - {id: a, title: A2}\n', 'own');
    expect(toPlain(mergeConfigs(base, own))).toEqual({
      assignments: [
        { id: 'a', title: 'A1' },
        { id: 'a', title: 'A2' },
      ],
    });
  });

  it('keeps each value pointing at the file that set it', () => {
    const merged = mergeConfigs(node('a:\n  x: 1\n  y: 2\n', 'base.yml'), node('a:\n  y: 3\n', 'own.yml'));
    if (merged.kind !== 'map') throw new Error('expected a map');
    const a = merged.entries.get('a')!.value;
    if (a.kind !== 'map') throw new Error('expected a map');
    expect(a.entries.get('x')!.value.at).toEqual({ file: 'base.yml', line: 2, column: 6 });
    expect(a.entries.get('y')!.value.at).toEqual({ file: 'own.yml', line: 2, column: 6 });
  });
});

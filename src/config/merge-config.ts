/**
 * Merging a config onto the base configs it names in `_extends`, as Probot's `_extends` does, plus
 * merge-by-id for the lists a course adapts most often:
 *
 * - mappings deep-merge; where both sides set a key, the extending file wins;
 * - `assignments`, and `checks` and `rubric` inside an assignment, merge by `id`: an entry whose id
 *   the base already has is deep-merged into that entry (same position), new ids are appended;
 * - every other list, and any value whose type differs between the two sides, is replaced whole.
 *
 * Nodes keep their source positions, so after merging every value still points into the file that
 * set it. Inputs are never mutated.
 */
import type { YamlEntry, YamlMap, YamlNode, YamlSeq } from './yaml-positions.js';

/** Lists merged by `id`, as paths with `*` for "any list item". */
const MERGE_BY_ID: readonly string[] = ['assignments', 'assignments.*.checks', 'assignments.*.rubric'];

/** Returns `override` merged onto `base` (see the module comment for the rules). */
export function mergeConfigs(base: YamlNode, override: YamlNode): YamlNode {
  return mergeAt(base, override, []);
}

function mergeAt(base: YamlNode, override: YamlNode, path: readonly string[]): YamlNode {
  if (base.kind === 'map' && override.kind === 'map') return mergeMaps(base, override, path);
  if (base.kind === 'seq' && override.kind === 'seq' && MERGE_BY_ID.includes(path.join('.'))) {
    return mergeById(base, override, [...path, '*']);
  }
  return override;
}

function mergeMaps(base: YamlMap, override: YamlMap, path: readonly string[]): YamlMap {
  const entries = new Map<string, YamlEntry>(base.entries);
  for (const [key, entry] of override.entries) {
    const existing = entries.get(key);
    const value = existing ? mergeAt(existing.value, entry.value, [...path, key]) : entry.value;
    entries.set(key, { keyAt: entry.keyAt, value });
  }
  return { kind: 'map', entries, at: override.at };
}

function mergeById(base: YamlSeq, override: YamlSeq, itemPath: readonly string[]): YamlSeq {
  const items = [...base.items];
  const baseIndex = new Map<string, number>();
  base.items.forEach((item, index) => {
    const id = idOf(item);
    if (id !== undefined && !baseIndex.has(id)) baseIndex.set(id, index);
  });
  for (const item of override.items) {
    const id = idOf(item);
    const index = id === undefined ? undefined : baseIndex.get(id);
    if (index === undefined) {
      items.push(item);
      continue;
    }
    // Each base entry takes one override; a second entry with the same id is appended, so the
    // duplicate-id check still sees it instead of it being silently folded in.
    baseIndex.delete(id!);
    items[index] = mergeAt(items[index]!, item, itemPath);
  }
  return { kind: 'seq', items, at: override.at };
}

function idOf(node: YamlNode): string | undefined {
  if (node.kind !== 'map') return undefined;
  const id = node.entries.get('id')?.value;
  return id?.kind === 'scalar' && id.value !== null ? String(id.value) : undefined;
}

/** A copy of a mapping without `key` (used to drop `_extends` once it has been resolved). */
export function withoutKey(node: YamlNode, key: string): YamlNode {
  if (node.kind !== 'map' || !node.entries.has(key)) return node;
  const entries = new Map(node.entries);
  entries.delete(key);
  return { ...node, entries };
}

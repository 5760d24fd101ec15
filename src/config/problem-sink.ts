/** Helpers shared by the semantic rules: a problem collector with positions, and id uniqueness. */
import type { ConfigProblem } from './config-problem.js';
import { displayPath, locate, type YamlNode } from './yaml-positions.js';

/** Collects problems for one config; shared by the rubric rules. */
export class ProblemSink {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly root: YamlNode) {}

  /** Where a path is, as `file:line` (for "first defined at" notes). */
  where(segments: readonly (string | number)[]): string {
    const { file, line } = locate(this.root, segments).at;
    return `${file}:${line}`;
  }

  add(segments: readonly (string | number)[], message: string, level: 'error' | 'warning' = 'error'): void {
    this.problems.push({ ...locate(this.root, segments).at, path: displayPath(segments), message, level });
  }
}

/** Plain-object entries of a list that may not be one: `[index, record]` pairs. */
export function records(value: unknown): [number, Record<string, unknown>][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? [[index, item as Record<string, unknown>] as [number, Record<string, unknown>]]
      : [],
  );
}

/**
 * Reports the second and later entries that reuse an id. `what` names the thing ("assignment"),
 * `base` is the path of the list.
 */
export function checkUniqueIds(
  sink: ProblemSink,
  base: (string | number)[],
  list: unknown,
  what: string,
): void {
  const first = new Map<string, number>();
  for (const [index, item] of records(list)) {
    if (typeof item.id !== 'string') continue;
    const earlier = first.get(item.id);
    if (earlier === undefined) {
      first.set(item.id, index);
      continue;
    }
    const note = `first defined at ${sink.where([...base, earlier, 'id'])}`;
    sink.add([...base, index, 'id'], `duplicate ${what} id "${item.id}" (${note})`);
  }
}

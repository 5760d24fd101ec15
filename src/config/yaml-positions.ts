/**
 * YAML parsing that keeps, for every value and every mapping key, the file, line and column it came
 * from. Config files are merged (`_extends`) before validation, so positions travel with the nodes:
 * an error found in a base file still points into that base file.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigProblem, SourcePosition } from './config-problem.js';

/** A scalar with its position. */
export interface YamlScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  at: SourcePosition;
}
/** A mapping entry: the key's own position (for "unknown key" messages) and its value. */
export interface YamlEntry {
  keyAt: SourcePosition;
  value: YamlNode;
}
/** A mapping with its position; insertion order is the file's order. */
export interface YamlMap {
  kind: 'map';
  entries: Map<string, YamlEntry>;
  at: SourcePosition;
}
/** A sequence with its position. */
export interface YamlSeq {
  kind: 'seq';
  items: YamlNode[];
  at: SourcePosition;
}
/** A parsed YAML value that remembers where each part came from. */
export type YamlNode = YamlScalar | YamlMap | YamlSeq;

/** Aliases can expand a small file into a huge tree ("billion laughs"); stop well before that hurts. */
const MAX_NODES = 200_000;

/** Why the YAML parser complained, in words a course author can act on. */
const HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'each key may appear once in a mapping; remove or merge the repeated key',
  BAD_INDENT: 'indent with spaces and line up the keys of one mapping in the same column',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; use spaces',
  MULTIPLE_DOCS: 'a config is one YAML document; remove the `---` separator',
  MISSING_CHAR: 'a quote or bracket is not closed',
  BLOCK_AS_IMPLICIT_KEY:
    'check the indentation of the next line (a deeper-indented line continues this value), or quote a value that contains ": "',
  MULTILINE_IMPLICIT_KEY:
    'a key must fit on one line and be followed by ": "; check indentation of the line above',
};
const DEFAULT_HINT = 'check indentation, quotes and brackets near this line';

/** Result of {@link parseYaml}: the tree (when the text parsed) and the problems found. */
export interface ParsedYaml {
  root: YamlNode | undefined;
  problems: ConfigProblem[];
}

/** Parses one YAML document. Syntax errors and duplicate keys are returned as problems, not thrown. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problems = syntaxProblems(doc, position);
  if (problems.some((p) => p.level === 'error')) return { root: undefined, problems };
  if (doc.contents === null) {
    const empty = 'the config file is empty';
    problems.push({ file, line: 1, column: 1, path: '', message: empty, level: 'error' });
    return { root: undefined, problems };
  }
  try {
    return { root: convert(doc.contents, doc, position, { nodes: 0 }), problems };
  } catch (error) {
    if (!(error instanceof YamlShapeError)) throw error;
    problems.push({ ...error.at, path: '', message: error.message, level: 'error' });
    return { root: undefined, problems };
  }
}

function syntaxProblems(doc: Document, position: (offset: number) => SourcePosition): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seenLines = new Set<number>();
  for (const error of doc.errors) {
    const at = position(error.pos[0]);
    // One syntax slip often yields several errors on the same line; the first says it best.
    if (seenLines.has(at.line)) continue;
    seenLines.add(at.line);
    const message = `invalid YAML: ${firstLine(error.message)} (${HINTS[error.code] ?? DEFAULT_HINT})`;
    problems.push({ ...at, path: '', message, level: 'error' });
  }
  for (const warning of doc.warnings) {
    const message = `YAML: ${firstLine(warning.message)}`;
    problems.push({ ...position(warning.pos[0]), path: '', message, level: 'warning' });
  }
  return problems;
}

class YamlShapeError extends Error {
  constructor(
    message: string,
    readonly at: SourcePosition,
  ) {
    super(message);
  }
}

function convert(
  node: Node,
  doc: Document,
  position: (offset: number) => SourcePosition,
  budget: { nodes: number },
): YamlNode {
  const at = position(node.range?.[0] ?? 0);
  if (++budget.nodes > MAX_NODES) {
    throw new YamlShapeError('the document expands to too many values (aliases nested too deeply?)', at);
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) throw new YamlShapeError(`alias *${node.source} refers to no anchor defined before it`, at);
    return convert(target, doc, position, budget);
  }
  if (isScalar(node)) return { kind: 'scalar', value: plainScalar(node.value), at };
  if (isSeq(node)) {
    const items = node.items.map((item) => convert(item as Node, doc, position, budget));
    return { kind: 'seq', items, at };
  }
  if (!isMap(node)) throw new YamlShapeError('unsupported YAML node', at);
  const entries = new Map<string, YamlEntry>();
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    const keyAt = key?.range ? position(key.range[0]) : at;
    if (key && !isScalar(key)) throw new YamlShapeError('mapping keys must be plain text', keyAt);
    const name = String(key?.value ?? '');
    const valueNode = pair.value as Node | null;
    const value: YamlNode = valueNode
      ? convert(valueNode, doc, position, budget)
      : { kind: 'scalar', value: null, at: keyAt };
    entries.set(name, { keyAt, value });
  }
  return { kind: 'map', entries, at };
}

/** YAML 1.2 core scalars are already JSON types; anything exotic (`!!binary`) is kept as text. */
function plainScalar(value: unknown): YamlScalar['value'] {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  return String(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The plain JavaScript value of a node (what the schema validates). */
export function toPlain(node: YamlNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlain);
  // fromEntries defines own properties, so a `__proto__` key stays data instead of changing the prototype.
  return Object.fromEntries([...node.entries].map(([key, entry]) => [key, toPlain(entry.value)]));
}

/** Splits a JSON pointer (`/assignments/0/id`) into segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The node at `segments`, or the deepest existing ancestor when the path leaves the tree. */
export function locate(root: YamlNode, segments: readonly (string | number)[]): YamlNode {
  let node = root;
  for (const segment of segments) {
    const next =
      node.kind === 'map'
        ? node.entries.get(String(segment))?.value
        : node.kind === 'seq'
          ? node.items[Number(segment)]
          : undefined;
    if (!next) return node;
    node = next;
  }
  return node;
}

/** Position of the key `key` in the mapping at `segments` (falls back to the mapping itself). */
export function locateKey(
  root: YamlNode,
  segments: readonly (string | number)[],
  key: string,
): SourcePosition {
  const node = locate(root, segments);
  return (node.kind === 'map' && node.entries.get(key)?.keyAt) || node.at;
}

/** A readable path: `assignments[2].checks[0].kind`. */
export function displayPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

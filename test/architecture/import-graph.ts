/**
 * Walks the relative imports of a source tree and judges them against an order of layers: every
 * import must point to a lower layer (or stay in its own folder), and no files may import each other
 * in a cycle. Used by import-layers.test.ts on src/ and action/; tested there on a fake tree.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/** One layer: the units in it (a folder of src/, a file directly in src/, or `action`). */
export interface Layer {
  name: string;
  units: readonly string[];
  /** Units of this layer may import each other (the engines); otherwise only lower layers. */
  peers?: boolean;
}

/** Source text by path relative to the repository root, with `/` separators. */
export type SourceTree = ReadonlyMap<string, string>;

/** Every module a file names: `import … from`, `export … from`, `import '…'` and `import('…')`. */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((imported) => imported.fileName);
}

/** Relative imports by importing file, resolved to files of the tree. */
export function importGraph(tree: SourceTree): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of tree) {
    const targets = new Set<string>();
    for (const fileName of specifiers(source)) {
      if (!fileName.startsWith('.')) continue;
      const resolved = path.posix.join(path.posix.dirname(file), fileName).replace(/\.js$/, '.ts');
      const target = tree.has(resolved) ? resolved : `${resolved}.ts`;
      if (tree.has(target)) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** The unit a file belongs to: `src/data/x.ts` → `data`, `src/app.ts` → `app.ts`, `action/x.ts` → `action`. */
export function unitOf(file: string): string {
  const [root = '', first = ''] = file.split('/');
  return root === 'src' ? first : root;
}

/** Imports that go against the layers, as `file → import (why)`; units in no layer are reported too. */
export function layerViolations(graph: ReadonlyMap<string, readonly string[]>, layers: readonly Layer[]) {
  const rank = new Map<string, number>();
  layers.forEach((layer, index) => {
    for (const unit of layer.units) rank.set(unit, index);
  });
  const problems: string[] = [];
  const unplaced = new Set<string>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!rank.has(from)) unplaced.add(from);
    for (const target of targets) {
      const to = unitOf(target);
      if (from === to || !rank.has(from) || !rank.has(to)) continue;
      const [a, b] = [rank.get(from)!, rank.get(to)!];
      if (a > b || (a === b && layers[a]!.peers)) continue;
      const why =
        a === b
          ? `${from} and ${to} are both ${layers[a]!.name}, which do not import each other`
          : `${from} (${layers[a]!.name}) imports ${to} (${layers[b]!.name}), a higher layer`;
      problems.push(`${file} → ${target} (${why})`);
    }
  }
  for (const unit of unplaced) problems.push(`${unit} is in no layer; add it to LAYERS`);
  return problems.sort();
}

/** A package only some units may import (Probot and Octokit stay in the GitHub adapters). */
export interface PackageRule {
  /** Matches the import specifier, e.g. `/^@actions\//`. */
  pattern: RegExp;
  units: readonly string[];
}

/** Imports of packages from units their rule does not allow, as `file → package`. */
export function packageViolations(tree: SourceTree, rules: readonly PackageRule[]): string[] {
  const problems: string[] = [];
  for (const [file, source] of tree) {
    for (const name of specifiers(source)) {
      const rule = rules.find((candidate) => candidate.pattern.test(name));
      if (rule && !rule.units.includes(unitOf(file))) {
        problems.push(`${file} → ${name} (only ${rule.units.join(', ')} may import it)`);
      }
    }
  }
  return problems.sort();
}

/** Groups of files that import each other, directly or through others (Tarjan's strongly connected components). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** The `.ts` files under `roots` (relative to `repository`), read. */
export async function readTree(repository: string, roots: readonly string[]): Promise<SourceTree> {
  const tree = new Map<string, string>();
  for (const root of roots) {
    const entries = await readdir(path.join(repository, root), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const absolute = path.join(entry.parentPath, entry.name);
      const relative = path.relative(repository, absolute).split(path.sep).join('/');
      tree.set(relative, await readFile(absolute, 'utf8'));
    }
  }
  return tree;
}

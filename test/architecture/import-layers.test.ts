/**
 * Imports point one way, down these layers (docs/architecture.md explains the order):
 *
 *   leaves     results, files, clip-text.ts, package-root.ts — import nothing of mlgrade outside themselves
 *   engines    data, models, sandbox, load — leaves and each other
 *   checks     one file per check kind + the registry
 *   config     the course config schema, built from the checks' specs
 *   grading    running checks, rubric scoring
 *   doctor     is this runner ready to grade: the sandbox, runtimes, GPUs, disk (mlgrade doctor)
 *   render     Markdown and terminal reports
 *   init       what `mlgrade init` scaffolds (course config, grader workflow, hidden data)
 *   attempt    what the app makes of one attempt's results (validation, scoring, the report)
 *   store      the ledger
 *   github     Octokit wrappers, the write scheduler
 *   lms        the roster, Canvas and Gradescope: formats, clients, syncs (no GitHub)
 *   course     course config and roster from the config repository
 *   analytics  the class report: figures, early warning, anonymous ids, renderers (mlgrade report)
 *   adapters   handlers, cli, action, server (health, metrics, shutdown) — the rest, never each other
 *   app        app.ts registers the handlers
 *
 * A layer imports only layers below it (units of a layer with peers also each other), and no files
 * import each other in a cycle. Probot and Octokit stay in the GitHub adapters, @actions/* in action/.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  importCycles,
  importGraph,
  type Layer,
  layerViolations,
  type PackageRule,
  packageViolations,
  readTree,
  type SourceTree,
} from './import-graph.js';

const LAYERS: readonly Layer[] = [
  { name: 'leaves', units: ['results', 'files', 'clip-text.ts', 'package-root.ts'] },
  { name: 'engines', units: ['data', 'models', 'sandbox', 'load'], peers: true },
  { name: 'checks', units: ['checks'] },
  { name: 'config', units: ['config'] },
  { name: 'grading', units: ['grading'] },
  { name: 'doctor', units: ['doctor'] },
  { name: 'render', units: ['render'] },
  { name: 'init', units: ['init'] },
  { name: 'attempt', units: ['attempt'] },
  { name: 'store', units: ['store'] },
  { name: 'github', units: ['github'] },
  { name: 'lms', units: ['lms'] },
  { name: 'course', units: ['course'] },
  { name: 'analytics', units: ['analytics'] },
  { name: 'adapters', units: ['handlers', 'cli', 'action', 'server'] },
  { name: 'app', units: ['app.ts'] },
];

const PACKAGES: readonly PackageRule[] = [
  { pattern: /^(probot|@octokit\/)/, units: ['github', 'handlers', 'app.ts'] },
  { pattern: /^@actions\//, units: ['action'] },
];

describe('import layers of src/ and action/', () => {
  let tree: SourceTree;
  let graph: Map<string, string[]>;
  beforeAll(async () => {
    tree = await readTree(path.resolve(import.meta.dirname, '../..'), ['src', 'action']);
    graph = importGraph(tree);
  });

  it('reads the tree', () => {
    expect(graph.get('src/checks/types.ts')).toContain('src/results/results-schema.ts');
  });

  it('points every import down the layers', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('keeps Probot, Octokit and @actions/* in their adapters', () => {
    expect(packageViolations(tree, PACKAGES)).toEqual([]);
  });
});

describe('the import walker', () => {
  const fake: SourceTree = new Map([
    ['src/results/finding.ts', 'export interface Finding { message: string }'],
    [
      'src/checks/context.ts',
      "import type { Finding } from '../results/finding.js';\nexport type X = Finding;",
    ],
    // An engine reaching up into checks, once statically and once through `import()`.
    ['src/data/reader.ts', "import type { X } from '../checks/context.js';\nexport const y = 1;"],
    ['src/models/lazy.ts', "export async function load() { return import('../checks/context.js'); }"],
    ['src/models/uses-data.ts', "export { y } from '../data/reader.js';"],
    // One leaf importing another (a leaf imports nothing outside itself); a commented-out import is none.
    ['src/files/read.ts', "import '../results/finding.js';\n// import { z } from '../checks/context.js';"],
    // A cycle of three files within one folder.
    ['src/checks/a.ts', "import { b } from './b.js';\nexport const a = b;"],
    ['src/checks/b.ts', "export { c as b } from './c.js';"],
    ['src/checks/c.ts', "import { a } from './a.js';\nexport const c = a;"],
    ['src/mystery/x.ts', "import { Octokit } from '@octokit/rest';\nexport const o = Octokit;"],
  ]);
  const graph = importGraph(fake);

  it('reports every import against the order, naming file and import', () => {
    expect(layerViolations(graph, LAYERS)).toEqual([
      'mystery is in no layer; add it to LAYERS',
      'src/data/reader.ts → src/checks/context.ts (data (engines) imports checks (checks), a higher layer)',
      'src/files/read.ts → src/results/finding.ts (files and results are both leaves, which do not import each other)',
      'src/models/lazy.ts → src/checks/context.ts (models (engines) imports checks (checks), a higher layer)',
    ]);
  });

  it('reports cycles, and only cycles', () => {
    expect(importCycles(graph)).toEqual([['src/checks/a.ts', 'src/checks/b.ts', 'src/checks/c.ts']]);
  });

  it('reports packages outside their adapters', () => {
    expect(packageViolations(fake, PACKAGES)).toEqual([
      'src/mystery/x.ts → @octokit/rest (only github, handlers, app.ts may import it)',
    ]);
  });
});

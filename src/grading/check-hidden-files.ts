/**
 * `mlgrade validate --data DIR`: every hidden file a config's checks name is read the way grading
 * reads it, before any student is graded: it must exist inside DIR, have the sha256 the config
 * pins, and hold the columns and rows its check expects. A mistyped `labels:` path is then the
 * instructor's error at validate time (with the field's line) instead of a failing student later.
 *
 * The engines' own readers do the reading (`loadHiddenLabels` for predictions, `loadDataset` for
 * model test sets), so validate and grading can never disagree about a file.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelSpec } from '../checks/model-spec.js';
import type { PredictionsSpec } from '../checks/predictions.js';
import { DEFAULT_LIMITS } from '../checks/types.js';
import { closest } from '../config/did-you-mean.js';
import type { CourseConfig } from '../config/schema.js';
import { loadHiddenLabels } from '../data/hidden-labels.js';
import { loadDataset, type PinnedFile, pinMismatch } from '../data/load-dataset.js';
import { InputFileError, resolveInside } from '../files/input-files.js';
import { sha256File } from '../files/sha256-file.js';

/** A problem with one hidden file, at the config field that names it. */
export interface HiddenFileProblem {
  /** Path of the field in the merged config, e.g. `['assignments', 0, 'checks', 2, 'labels']`. */
  segments: (string | number)[];
  message: string;
}

/** Why DIR itself cannot be used; undefined when it is a readable directory. */
export async function dataDirProblem(dataDir: string): Promise<string | undefined> {
  const found = await stat(dataDir).catch((error: NodeJS.ErrnoException) => error);
  if (found instanceof Error) {
    return found.code === 'ENOENT'
      ? `the hidden data directory ${dataDir} does not exist; pass --data with the directory that holds the hidden test sets`
      : `cannot read the hidden data directory ${dataDir} (${found.code ?? found.message})`;
  }
  if (!found.isDirectory()) return `--data ${dataDir} is not a directory`;
  return undefined;
}

/** Reads every hidden file `config` names under `dataDir`; one problem per file that fails. */
export async function checkHiddenFiles(config: CourseConfig, dataDir: string): Promise<HiddenFileProblem[]> {
  const problems: HiddenFileProblem[] = [];
  const names = await fileNames(dataDir);
  // Assignments often share a test set (a YAML anchor, a preset): each set is read and hashed once,
  // and its problems are reported at every check that names it.
  const read = new Map<string, Promise<HiddenFileProblem[]>>();
  const once = (key: string, load: () => Promise<HiddenFileProblem[]>) => {
    const known = read.get(key);
    if (known) return known;
    const loading = load();
    read.set(key, loading);
    return loading;
  };
  for (const [a, assignment] of config.assignments.entries()) {
    for (const [c, check] of assignment.checks.entries()) {
      let found: HiddenFileProblem[] = [];
      if (check.kind === 'predictions') {
        const spec = check as unknown as PredictionsSpec;
        const { labels, format, id_column, label_column, classes, tiers } = spec;
        const key = JSON.stringify(['predictions', labels, format, id_column, label_column, classes, tiers]);
        found = await once(key, () => predictionsFiles(spec, dataDir, names, []));
      } else if (check.kind === 'model') {
        const spec = check as unknown as ModelSpec;
        found = await once(JSON.stringify(['model', spec.dataset]), () =>
          modelFiles(spec, dataDir, names, []),
        );
      }
      const at = ['assignments', a, 'checks', c];
      problems.push(...found.map((problem) => ({ ...problem, segments: [...at, ...problem.segments] })));
    }
  }
  return problems;
}

async function predictionsFiles(
  spec: PredictionsSpec,
  dataDir: string,
  names: readonly string[],
  at: (string | number)[],
): Promise<HiddenFileProblem[]> {
  const loaded = await loadHiddenLabels(spec, { dataDir, limits: DEFAULT_LIMITS });
  if (!('problems' in loaded)) return [];
  const train = spec.tiers?.train_labels;
  return loaded.problems.map((finding) => {
    // The labels are read first, and a failure there stops before the training labels: a finding
    // names the training file only when the labels file is another one.
    const field =
      finding.file !== undefined && finding.file === train && train !== spec.labels
        ? ['tiers', 'train_labels']
        : ['labels'];
    const file = field[0] === 'labels' ? spec.labels : train!;
    const missing = / was not found in the hidden data directory /.test(finding.message);
    return {
      segments: [...at, ...field],
      message: missing ? notFound(file, dataDir, names) : finding.message,
    };
  });
}

/**
 * A model check's pinned test set: each pinned file is first found inside DIR and hashed on its own
 * (so a missing labels file and a wrong inputs pin are both reported, each at its field); when every
 * pin holds, the test set is decoded with `loadDataset`, the reader grading uses.
 */
async function modelFiles(
  spec: ModelSpec,
  dataDir: string,
  names: readonly string[],
  at: (string | number)[],
): Promise<HiddenFileProblem[]> {
  const pinned: [string, PinnedFile][] = [['inputs', spec.dataset.inputs]];
  if (spec.dataset.labels) pinned.push(['labels', spec.dataset.labels]);
  const problems: HiddenFileProblem[] = [];
  for (const [role, file] of pinned) {
    const problem = await pinProblem(file, dataDir, names);
    if (problem)
      problems.push({ segments: [...at, 'dataset', role, problem.field], message: problem.message });
  }
  if (problems.length > 0) return problems;
  try {
    await loadDataset(spec.dataset, dataDir, DEFAULT_LIMITS.maxFileBytes);
    return [];
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    const hit = pinned.find(([, file]) => file.path === error.file);
    if (!hit) return [{ segments: [...at, 'dataset'], message: error.message }];
    const [role] = hit;
    const field = /sha256/.test(error.message) ? 'sha256' : 'path';
    return [{ segments: [...at, 'dataset', role, field], message: error.message }];
  }
}

/**
 * Why one pinned file cannot be used, and which of its fields (`path` or `sha256`) says so: outside
 * DIR, missing, not a regular file, over the size limit grading reads, or another sha256 than pinned.
 */
async function pinProblem(
  file: PinnedFile,
  dataDir: string,
  names: readonly string[],
): Promise<{ field: 'path' | 'sha256'; message: string } | undefined> {
  let actual: string;
  try {
    const absolute = await resolveInside(dataDir, file.path);
    actual = await sha256File(absolute, file.path, DEFAULT_LIMITS.maxFileBytes);
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    const message = code === 'ENOENT' ? notFound(file.path, dataDir, names) : error.message;
    return { field: 'path', message };
  }
  if (actual === file.sha256.toLowerCase()) return undefined;
  return { field: 'sha256', message: pinMismatch(file, actual) };
}

/** "x not found in DIR" with the closest file there, when one is close. */
function notFound(file: string, dataDir: string, names: readonly string[]): string {
  const guess = closest(file, names);
  const hint =
    guess !== undefined
      ? `; did you mean "${guess}"?`
      : names.length === 0
        ? ' (the directory is empty)'
        : '';
  return `hidden file "${file}" was not found in ${dataDir}${hint}`;
}

/** Files under `dir`, relative to it with `/`, two levels deep: enough for a did-you-mean. */
async function fileNames(dir: string, prefix = '', depth = 0): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const relative = `${prefix}${entry.name}`;
    if (entry.isFile()) out.push(relative);
    else if (entry.isDirectory() && depth < 1) out.push(...(await fileNames(dir, `${relative}/`, depth + 1)));
  }
  return out;
}

/** Reads the fields an experiment config must declare, reporting each gap with its line. */
import type { Finding } from '../results/results-schema.js';

/** A data file the experiment declares with its expected hash. */
export interface DeclaredDataFile {
  path: string;
  sha256: string;
  line: number | undefined;
}

/** What the experiment config declares, as far as grading needs it. */
export interface ExperimentFacts {
  file: string;
  command: string | undefined;
  seeds: number[];
  dataFiles: DeclaredDataFile[];
  /** How many required fields are absent or malformed. */
  fieldsMissing: number;
}

type LineOf = (path: readonly (string | number)[]) => number | undefined;
const SHA256 = /^[0-9a-f]{64}$/;

/** Validates the experiment config's shape; pushes one finding per gap. */
export function describeExperiment(
  value: unknown,
  file: string,
  lineOf: LineOf,
  findings: Finding[],
): ExperimentFacts {
  const facts: ExperimentFacts = { file, command: undefined, seeds: [], dataFiles: [], fieldsMissing: 0 };
  const report = (path: (string | number)[], message: string) => {
    facts.fieldsMissing++;
    const line = lineOf(path);
    findings.push({ level: 'error', file, ...(line ? { line } : {}), message });
  };
  if (!isRecord(value)) {
    report([], `${file} must be a mapping with \`command\`, \`seed\` and \`data\` keys.`);
    return facts;
  }
  facts.command = readCommand(value.command);
  if (facts.command === undefined)
    report(
      ['command'],
      `${file}: \`command\` must be the command that reproduces the run, e.g. "python train.py --config config.yaml".`,
    );
  facts.seeds = readSeeds(value.seed);
  if (facts.seeds.length === 0)
    report(
      ['seed'],
      `${file}: \`seed\` must be an integer (or a list of integers) so the run can be repeated.`,
    );
  const datasets = Array.isArray(value.data) ? value.data : value.data === undefined ? [] : [value.data];
  if (datasets.length === 0)
    report(['data'], `${file}: \`data\` must say which data the run used: source, split and version.`);
  datasets.forEach((dataset, index) => {
    const path = Array.isArray(value.data) ? ['data', index] : ['data'];
    if (!isRecord(dataset)) {
      report(path, `${file}: each \`data\` entry must be a mapping with source, split and version.`);
      return;
    }
    for (const field of ['source', 'split', 'version']) {
      if (!hasText(dataset[field]))
        report([...path, field], `${file}: data \`${field}\` is missing; say ${DATA_FIELD_HINTS[field]}.`);
    }
    readDataFiles(dataset.files, [...path, 'files'], file, lineOf, report, facts.dataFiles);
  });
  return facts;
}

const DATA_FIELD_HINTS: Record<string, string> = {
  source: 'where the data came from (URL, package or dataset name)',
  split: 'which split or partition was used (e.g. "train 50k / val 10k")',
  version: 'which version (a tag, date or hash) so the same data can be fetched again',
};

function readDataFiles(
  files: unknown,
  path: (string | number)[],
  file: string,
  lineOf: LineOf,
  report: (path: (string | number)[], message: string) => void,
  out: DeclaredDataFile[],
) {
  if (files === undefined) return;
  if (!Array.isArray(files)) return report(path, `${file}: \`files\` must be a list of { path, sha256 }.`);
  files.forEach((entry, index) => {
    const at = [...path, index];
    if (!isRecord(entry) || !hasText(entry.path)) {
      report(at, `${file}: each data file needs a \`path\` relative to the repository.`);
      return;
    }
    const sha = typeof entry.sha256 === 'string' ? entry.sha256.trim().toLowerCase() : '';
    if (!SHA256.test(sha)) {
      report(
        [...at, 'sha256'],
        `${file}: data file ${entry.path} needs a \`sha256\` of 64 hex digits (sha256sum ${entry.path}).`,
      );
      return;
    }
    out.push({ path: String(entry.path), sha256: sha, line: lineOf(at) });
  });
}

function readCommand(command: unknown): string | undefined {
  if (hasText(command)) return String(command).trim();
  if (Array.isArray(command) && command.length > 0 && command.every(hasText)) return command.join(' ');
  return undefined;
}

function readSeeds(seed: unknown): number[] {
  const seeds = Array.isArray(seed) ? seed : seed === undefined ? [] : [seed];
  return seeds.every((value) => Number.isSafeInteger(value)) ? (seeds as number[]) : [];
}

function hasText(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Loads the instructor's side of a predictions check: the hidden labels file, the class set, and the
 * frequency tiers from the training labels. Any problem here is the instructor's to fix, so it comes
 * back as error findings (the check then reports `error`, not a student failure).
 */

import { InputFileError } from '../files/input-files.js';
import type { Finding } from '../results/results-schema.js';
import type { WantedColumns } from './column-names.js';
import { LabelDictionary } from './label-dictionary.js';
import { type LabelFile, type LabelFormatOption, readLabelFile } from './label-file-reader.js';
import { quoteValue } from './quote-value.js';

/** More distinct labels than this is not a classification task we can tabulate (the matrix is K²). */
export const MAX_CLASSES = 2000;
/** Distinct labels outside the class set that a predictions file may introduce before they are lumped. */
const MAX_UNKNOWN_LABELS = 1000;

/**
 * Where the hidden data lies and how much of a file may be read: the part of a check's grading
 * context this module uses (a check passes its context as it is).
 */
export interface HiddenDataAccess {
  /** Absolute path of the hidden data directory, or undefined when none was given. */
  dataDir: string | undefined;
  limits: { maxFileBytes: number; maxLineBytes: number };
}

/** What the check's spec says about the hidden data. */
export interface HiddenLabelOptions {
  labels: string;
  format?: LabelFormatOption;
  id_column?: string;
  label_column?: string;
  classes?: string[];
  tiers?: { train_labels: string; rare_below: number };
}

/** The hidden labels, read and checked. Class indexes `0 … classNames.length - 1` are the classes. */
export interface HiddenLabels {
  file: string;
  labels: LabelFile;
  /** Shared with the predictions file so that the same label gets the same index. */
  dictionary: LabelDictionary;
  columns: WantedColumns;
  classNames: string[];
  /** Class indexes in display order: the `classes` option's order, else natural sort of the names. */
  displayOrder: number[];
  /** Tier of each class index, when tiers are configured. */
  tierOf?: ('rare' | 'common')[];
}

/** Reads and checks the hidden labels; returns error findings instead when the instructor side is broken. */
export async function loadHiddenLabels(
  options: HiddenLabelOptions,
  context: HiddenDataAccess,
): Promise<HiddenLabels | { problems: Finding[] }> {
  const columns = { id: options.id_column ?? 'id', label: options.label_column ?? 'label' };
  const dictionary = new LabelDictionary();
  for (const name of options.classes ?? []) dictionary.internString(name);
  // With an explicit class set, a few extra labels are interned only to name them in the error.
  dictionary.limitNewLabels(options.classes ? 20 : MAX_CLASSES + 1);
  const read = await readHidden(options.labels, context, {
    format: options.format ?? 'auto',
    columns,
    dictionary,
  });
  if ('problems' in read) return read;
  const classCount = options.classes?.length ?? Math.min(dictionary.size, MAX_CLASSES);
  const problems = labelProblems(
    options.labels,
    read,
    classCount,
    options.classes ? dictionary.names : undefined,
  );
  if (problems.length > 0) return { problems };
  dictionary.limitNewLabels(MAX_UNKNOWN_LABELS);
  const classNames = dictionary.names.slice(0, classCount);
  const collator = new Intl.Collator('en', { numeric: true });
  const displayOrder = classNames.map((_, k) => k);
  if (!options.classes) displayOrder.sort((a, b) => collator.compare(classNames[a]!, classNames[b]!));
  const hidden: HiddenLabels = {
    file: options.labels,
    labels: read,
    dictionary,
    columns,
    classNames,
    displayOrder,
  };
  if (!options.tiers) return hidden;
  const counts = await trainingCounts(
    options.tiers.train_labels,
    context,
    options.format ?? 'auto',
    columns.label,
    hidden,
  );
  if ('problems' in counts) return counts;
  hidden.tierOf = counts.map((count) => (count < options.tiers!.rare_below ? 'rare' : 'common'));
  return hidden;
}

type ReadOptions = { format: LabelFormatOption; columns: WantedColumns; dictionary: LabelDictionary };

/** Reads a file in the hidden data directory, turning every failure into an instructor-facing finding. */
async function readHidden(
  file: string,
  context: HiddenDataAccess,
  options: ReadOptions,
): Promise<LabelFile | { problems: Finding[] }> {
  const where =
    'Pass --data DIR to mlgrade, or set course.data_dir in the course config, to the directory that holds it.';
  if (context.dataDir === undefined) {
    return problem(file, `No hidden data directory was given, so ${file} cannot be read. ${where}`);
  }
  try {
    return await readLabelFile(context.dataDir, file, {
      ...options,
      maxLineBytes: context.limits.maxLineBytes,
      maxFileBytes: context.limits.maxFileBytes,
    });
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    if ((error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      return problem(file, `${file} was not found in the hidden data directory ${context.dataDir}. ${where}`);
    }
    return problem(file, `${error.message} (hidden data file; fix it before grading)`, error.line);
  }
}

/** Rows the labels file had to skip, and labels that are empty, NaN, or outside the class set. */
function labelProblems(
  file: string,
  read: LabelFile,
  classCount: number,
  names?: readonly string[],
): Finding[] {
  const findings: Finding[] = read.issues.examples.map((issue) =>
    finding(
      file,
      `${file} line ${issue.line}: ${issue.detail} (hidden labels file; every row must be readable)`,
      issue.line,
    ),
  );
  const { labels, lines } = read.rows;
  for (let row = 0; row < labels.length && findings.length < 20; row++) {
    const code = labels[row]!;
    if (code >= 0 && code < classCount) continue;
    const what = code === -1 ? 'the label is empty or NaN' : outsideWords(code, names);
    findings.push(finding(file, `${file} line ${lines[row]}: ${what} (hidden labels file)`, lines[row]));
  }
  return findings;
}

/** Why `code` is outside the classes; `names` (the dictionary's) is given when `classes` was configured. */
function outsideWords(code: number, names: readonly string[] | undefined): string {
  if (!names) return `more than ${MAX_CLASSES} distinct labels: is this really a classification task?`;
  const name = code >= 0 ? quoteValue(names[code] ?? '') : 'a value';
  return `label ${name} is not in the configured \`classes\`; add it there or fix the file`;
}

/** Training examples per class index, for the frequency tiers. */
async function trainingCounts(
  file: string,
  context: HiddenDataAccess,
  format: LabelFormatOption,
  label: string,
  hidden: HiddenLabels,
) {
  const dictionary = new LabelDictionary();
  const read = await readHidden(file, context, { format, columns: { id: null, label }, dictionary });
  if ('problems' in read) return read;
  if (read.issues.total() > 0) return { problems: labelProblems(file, read, Number.POSITIVE_INFINITY) };
  const perCode = new Float64Array(dictionary.size);
  for (const code of read.rows.labels) if (code >= 0) perCode[code]!++;
  const counts = new Array<number>(hidden.classNames.length).fill(0);
  dictionary.names.forEach((name, code) => {
    const k = hidden.dictionary.indexOf(name);
    if (k >= 0 && k < counts.length) counts[k]! += perCode[code]!;
  });
  return counts;
}

function problem(file: string, message: string, line?: number): { problems: Finding[] } {
  return { problems: [finding(file, message, line)] };
}

function finding(file: string, message: string, line?: number): Finding {
  return line === undefined ? { level: 'error', file, message } : { level: 'error', file, message, line };
}

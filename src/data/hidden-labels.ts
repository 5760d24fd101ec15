/**
 * Loads the instructor's side of a predictions check: the hidden labels file, the class set, and the
 * frequency tiers from the training labels. Any problem here is the instructor's to fix, so it comes
 * back as error findings (the check then reports `error`, not a student failure).
 *
 * The class set is the `classes` option when given (fixed), else the distinct labels of the labels
 * file, to which {@link withPredictedClasses} adds the labels only the predictions use, as
 * scikit-learn's label set is the union of the true and the predicted labels.
 */

import { InputFileError } from '../files/input-files.js';
import type { Finding } from '../results/results-schema.js';
import type { WantedColumns } from './column-names.js';
import { LabelDictionary } from './label-dictionary.js';
import { type LabelFile, type LabelFormatOption, readLabelFile } from './label-file-reader.js';
import { quoteValue } from './quote-value.js';

/** More distinct labels than this is not a classification task we can tabulate (the matrix is K²). */
export const MAX_CLASSES = 2000;
/**
 * Distinct labels outside the class set that a predictions file may introduce before they are lumped;
 * without `classes`, also no more than the class set has room for under {@link MAX_CLASSES}.
 */
export const MAX_UNKNOWN_LABELS = 1000;

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
  /** True when `classes` was configured: then predictions cannot add classes. */
  fixedClasses: boolean;
  /** Class indexes in display order: the `classes` option's order, else natural sort of the names. */
  displayOrder: number[];
  /** Tier of each class index, when tiers are configured. */
  tierOf?: ('rare' | 'common')[];
  /** Training examples per label and the rare threshold, when tiers are configured. */
  training?: { counts: Map<string, number>; rareBelow: number };
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
  dictionary.limitNewLabels(
    options.classes ? MAX_UNKNOWN_LABELS : Math.min(MAX_UNKNOWN_LABELS, MAX_CLASSES - classCount),
  );
  const classNames = dictionary.names.slice(0, classCount);
  const hidden: HiddenLabels = {
    file: options.labels,
    labels: read,
    dictionary,
    columns,
    classNames,
    fixedClasses: options.classes !== undefined,
    displayOrder: options.classes ? classNames.map((_, k) => k) : naturalOrder(classNames),
  };
  if (!options.tiers) return hidden;
  const counts = await trainingCounts(
    options.tiers.train_labels,
    context,
    options.format ?? 'auto',
    columns.label,
  );
  if ('problems' in counts) return counts;
  hidden.training = { counts, rareBelow: options.tiers.rare_below };
  hidden.tierOf = tiers(classNames, hidden.training);
  return hidden;
}

/**
 * The class set once the predictions are read: `hidden` with the labels only the predictions use
 * (`codes`, dictionary codes that become class indexes `classNames.length, …` in this order) added as
 * classes, in natural order among the others, each in the tier its training count gives (0 when the
 * training labels lack it, so rare). Unchanged when `classes` is configured or nothing is added.
 */
export function withPredictedClasses(hidden: HiddenLabels, codes: readonly number[]): HiddenLabels {
  if (hidden.fixedClasses || codes.length === 0) return hidden;
  const classNames = [...hidden.classNames, ...codes.map((code) => hidden.dictionary.names[code]!)];
  const added: HiddenLabels = { ...hidden, classNames, displayOrder: naturalOrder(classNames) };
  if (hidden.training) added.tierOf = tiers(classNames, hidden.training);
  return added;
}

/** Indexes of `names` in natural order ("c2" before "c10"), the order tables and findings list classes in. */
export function naturalOrder(names: readonly string[]): number[] {
  const collator = new Intl.Collator('en', { numeric: true });
  return names.map((_, k) => k).sort((a, b) => collator.compare(names[a]!, names[b]!));
}

function tiers(classNames: readonly string[], training: NonNullable<HiddenLabels['training']>) {
  return classNames.map((name) =>
    (training.counts.get(name) ?? 0) < training.rareBelow ? 'rare' : 'common',
  );
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

/** Training examples per label, for the frequency tiers. */
async function trainingCounts(
  file: string,
  context: HiddenDataAccess,
  format: LabelFormatOption,
  label: string,
): Promise<Map<string, number> | { problems: Finding[] }> {
  const dictionary = new LabelDictionary();
  const read = await readHidden(file, context, { format, columns: { id: null, label }, dictionary });
  if ('problems' in read) return read;
  if (read.issues.total() > 0) return { problems: labelProblems(file, read, Number.POSITIVE_INFINITY) };
  const perCode = new Float64Array(dictionary.size);
  for (const code of read.rows.labels) if (code >= 0) perCode[code]!++;
  return new Map(dictionary.names.map((name, code) => [name, perCode[code]!]));
}

function problem(file: string, message: string, line?: number): { problems: Finding[] } {
  return { problems: [finding(file, message, line)] };
}

function finding(file: string, message: string, line?: number): Finding {
  return line === undefined ? { level: 'error', file, message } : { level: 'error', file, message, line };
}

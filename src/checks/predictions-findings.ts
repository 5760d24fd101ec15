/**
 * Findings about a predictions file, each naming the file, the line when there is one, and the scoring
 * rule that was applied:
 * - a row that cannot be read (too long, wrong field count, bad JSON, no id) is skipped;
 * - an id that is not in the test set is ignored;
 * - a repeated id keeps its first prediction, later rows are ignored;
 * - a test id without a prediction counts as wrong;
 * - an empty or NaN label counts as wrong;
 * - a label that is not one of the classes counts as wrong; without `classes` configured it is also
 *   scored as a class no test example has (F1 0), as scikit-learn does.
 * At most 20 findings are listed per kind, then one finding says how many more there were.
 */

import type { Alignment, RowExamples } from '../data/align-by-id.js';
import { MAX_CLASSES, MAX_UNKNOWN_LABELS } from '../data/hidden-labels.js';
import { idText, type LabelRows } from '../data/label-rows.js';
import type { PredictedClasses, UnknownLabel } from '../data/predicted-classes.js';
import { quoteValue } from '../data/quote-value.js';
import type { RowIssueKind, RowIssueLog } from '../data/row-issue-log.js';
import type { Finding } from '../results/results-schema.js';

/** Everything the findings are drawn from. */
export interface PredictionProblems {
  /** Predictions path relative to the submission. */
  file: string;
  predictions: LabelRows;
  issues: RowIssueLog;
  labels: LabelRows;
  alignment: Alignment;
  scored: PredictedClasses;
  /** Names of the classes of the labels file (or of `classes`), in display order. */
  classNames: readonly string[];
  /** Label text of a code past the classes, when it was kept. */
  labelName(code: number): string | undefined;
}

/** Every finding about the predictions file, most consequential first. */
export function predictionFindings(problems: PredictionProblems): Finding[] {
  return [
    ...missingFindings(problems),
    ...unknownIdFindings(problems),
    ...duplicateFindings(problems),
    ...invalidLabelFindings(problems),
    ...unknownLabelFindings(problems),
    ...skippedRowFindings(problems),
  ];
}

const ROW_SKIPPED = 'the row is skipped (an id it held counts as missing)';

function skippedRowFindings({ file, issues }: PredictionProblems): Finding[] {
  const findings = issues.examples.map(({ line, detail }) => at(file, line, `${detail}; ${ROW_SKIPPED}.`));
  for (const [kind, count] of issues.kinds()) {
    const listed = issues.examples.filter((issue) => issue.kind === kind).length;
    if (count > listed) findings.push(more(file, count - listed, `rows were skipped (${KIND_WORDS[kind]})`));
  }
  return findings;
}

const KIND_WORDS: Record<RowIssueKind, string> = {
  'long-line': 'line too long',
  'field-count': 'wrong number of fields',
  'bad-json': 'not a JSON object',
  'missing-field': 'id or label key missing',
  'empty-id': 'empty id',
};

function missingFindings({ file, labels, alignment }: PredictionProblems): Finding[] {
  const { count, rows } = alignment.missing;
  if (count === 0) return [];
  const ids = rows.map((row) => quoteValue(idText(labels, row))).join(', ');
  const total = labels.count.toLocaleString('en-US');
  const message =
    `${file}: ${count.toLocaleString('en-US')} of ${total} test examples have no prediction ` +
    `(ids ${ids}${count > rows.length ? ', …' : ''}); each counts as wrong. Write one row per test id.`;
  return [{ level: 'warning', file, message }];
}

function unknownIdFindings({ file, predictions, labels, alignment }: PredictionProblems): Finding[] {
  const sample = [0, 1, 2].filter((row) => row < labels.count).map((row) => quoteValue(idText(labels, row)));
  return listed(
    file,
    predictions,
    alignment.unknown,
    'ids were not in the test set and were ignored',
    (row, index) => {
      const hint = index === 0 ? ` Test ids look like ${sample.join(', ')}.` : '';
      return `id ${quoteValue(idText(predictions, row))} is not in the test set; the row is ignored.${hint}`;
    },
  );
}

function duplicateFindings({ file, predictions, alignment }: PredictionProblems): Finding[] {
  const rule = 'the first prediction is kept and this row is ignored';
  return listed(
    file,
    predictions,
    alignment.duplicates,
    'rows repeated an earlier id and were ignored',
    (row, index) => {
      const kept = predictions.lines[alignment.duplicateOf[index]!];
      return `id ${quoteValue(idText(predictions, row))} already has a prediction on line ${kept}; ${rule}.`;
    },
  );
}

function invalidLabelFindings({ file, predictions, scored }: PredictionProblems): Finding[] {
  return listed(
    file,
    predictions,
    scored.invalid,
    'rows had an empty or NaN label and count as wrong',
    (row) => {
      return `the label for id ${quoteValue(idText(predictions, row))} is empty or NaN; the example counts as wrong.`;
    },
  );
}

function unknownLabelFindings(problems: PredictionProblems): Finding[] {
  const { file, predictions, scored } = problems;
  const findings = scored.unknownLabels.slice(0, 20).map((unknown) => {
    return at(file, predictions.lines[unknown.firstRow]!, unknownLabelMessage(unknown, problems));
  });
  const unlisted = scored.unknownLabels.slice(20).reduce((sum, unknown) => sum + unknown.count, 0);
  if (unlisted > 0)
    findings.push(more(file, unlisted, 'rows had other labels outside the class set and count as wrong'));
  return findings;
}

function unknownLabelMessage(unknown: UnknownLabel, { labelName, classNames }: PredictionProblems): string {
  const name = labelName(unknown.code);
  const rows = `${unknown.count.toLocaleString('en-US')} row${unknown.count === 1 ? '' : 's'}, first on this line`;
  if (name === undefined) {
    const limits = `${MAX_UNKNOWN_LABELS.toLocaleString('en-US')} new labels or ${MAX_CLASSES.toLocaleString('en-US')} classes in all`;
    return `labels outside the class set (${rows}); these examples count as wrong. Past ${limits}, further labels are lumped together here: not named, and not scored as classes.`;
  }
  const quoted = quoteValue(name);
  const hint = labelHint(name, classNames);
  if (unknown.asClass) {
    return `label ${quoted} is not one of the ${classNames.length} classes of the test labels (${rows}); it is scored as a class no test example has: these examples count as wrong, and its F1 of 0 counts in macro F1 and the zero-F1 count.${hint}`;
  }
  return `label ${quoted} is not one of the ${classNames.length} classes (${rows}); these examples count as wrong.${hint}`;
}

/** "Did you mean …" for a number written differently (3.0 for 3) or a different case, else the classes. */
function labelHint(name: string, classNames: readonly string[]): string {
  const number = Number(name);
  const numeric =
    name.trim() !== '' && Number.isFinite(number)
      ? classNames.find((c) => c.trim() !== '' && Number(c) === number)
      : undefined;
  if (numeric !== undefined)
    return ` Did you mean ${quoteValue(numeric)}? Write labels exactly as the classes are written.`;
  const sameLetters = classNames.find((c) => c.toLowerCase() === name.toLowerCase());
  if (sameLetters !== undefined)
    return ` Did you mean ${quoteValue(sameLetters)}? Labels are case-sensitive.`;
  const shown = classNames
    .slice(0, 10)
    .map((c) => quoteValue(c))
    .join(', ');
  return ` The classes are ${shown}${classNames.length > 10 ? ', …' : ''}.`;
}

/** One finding per example row, then "… and N more" when there were more than were kept. */
function listed(
  file: string,
  rows: LabelRows,
  examples: RowExamples,
  moreWords: string,
  message: (row: number, index: number) => string,
): Finding[] {
  const findings = examples.rows.map((row, index) => at(file, rows.lines[row]!, message(row, index)));
  if (examples.count > examples.rows.length)
    findings.push(more(file, examples.count - examples.rows.length, moreWords));
  return findings;
}

function at(file: string, line: number, message: string): Finding {
  return { level: 'warning', file, line, message: `${file} line ${line}: ${message}` };
}

function more(file: string, count: number, words: string): Finding {
  return { level: 'warning', file, message: `${file}: ${count.toLocaleString('en-US')} more ${words}.` };
}

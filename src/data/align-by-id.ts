/**
 * Matches prediction rows to label rows by id. Rules (also stated in the findings students see):
 * - a label id with no prediction row is "missing" (scored as wrong);
 * - a prediction id that is not a label id is "unknown" (ignored);
 * - a prediction id seen before is a "duplicate": the first row is kept, later ones are ignored;
 * - ids match exactly as text (numeric ids are compared as numbers only when both spell canonical
 *   integers, which gives the same answer).
 * Strategies, fastest first: both files list the same ids in the same (increasing) order; small
 * non-negative integer ids index a typed array; anything else uses a Map.
 */
import { canonicalInteger, idText, type LabelRows } from './label-rows.js';

/** How many example rows are kept per kind of problem. */
const EXAMPLES = 20;

/** A count with the first few row indexes (0-based, into the file's rows) that make it up. */
export interface RowExamples {
  count: number;
  rows: number[];
}

/** The outcome of matching predictions to labels. */
export interface Alignment {
  /** For each label row, 1 + the index of the prediction row that answers it, or 0 when none does. */
  answeredBy: Int32Array;
  /** Label rows without a prediction. */
  missing: RowExamples;
  /** Prediction rows whose id is not in the labels file. */
  unknown: RowExamples;
  /** Prediction rows whose id an earlier prediction row already answered. */
  duplicates: RowExamples;
  /** For each example in `duplicates.rows`, the earlier prediction row that was kept. */
  duplicateOf: number[];
  /** Label rows whose id an earlier label row already has (a broken labels file). */
  labelDuplicates: RowExamples;
  strategy: 'same-order' | 'typed-index' | 'map';
}

/** Matches `predictions` to `labels` by id. */
export function alignById(labels: LabelRows, predictions: LabelRows): Alignment {
  const answeredBy = new Int32Array(labels.count);
  if (sameIncreasingIds(labels, predictions)) {
    for (let row = 0; row < labels.count; row++) answeredBy[row] = row + 1;
    const clean = {
      missing: none(),
      unknown: none(),
      duplicates: none(),
      duplicateOf: [],
      labelDuplicates: none(),
    };
    return { answeredBy, ...clean, strategy: 'same-order' };
  }
  const index = indexIds(labels);
  const matches: Matches = { answeredBy, unknown: none(), duplicates: none(), duplicateOf: [] };
  if (index.position && predictions.numericIds) matchDense(index.position, predictions.numericIds, matches);
  else for (let row = 0; row < predictions.count; row++) match(matches, row, index.find(predictions, row));
  const missing = none();
  for (let row = 0; row < labels.count; row++) if (answeredBy[row] === 0) note(missing, row);
  return { ...matches, missing, labelDuplicates: index.duplicates, strategy: index.strategy };
}

type Matches = Pick<Alignment, 'answeredBy' | 'unknown' | 'duplicates' | 'duplicateOf'>;

/** Records that prediction `row` has the id of label row `target` (-1: none). */
function match(matches: Matches, row: number, target: number): void {
  if (target < 0) note(matches.unknown, row);
  else if (matches.answeredBy[target] === 0) matches.answeredBy[target] = row + 1;
  else if (note(matches.duplicates, row)) matches.duplicateOf.push(matches.answeredBy[target]! - 1);
}

/** The hot loop for integer ids on both sides: one typed-array lookup per prediction row. */
function matchDense(position: Int32Array, ids: Float64Array, matches: Matches): void {
  const answeredBy = matches.answeredBy;
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row]!;
    // `| 0` makes the index a small integer: a double index sends V8 down its generic (slow) path.
    const target = id < position.length ? position[id | 0]! - 1 : -1;
    if (target >= 0 && answeredBy[target] === 0) answeredBy[target] = row + 1;
    else match(matches, row, target);
  }
}

/** True when both files hold the same numeric ids in the same strictly increasing order. */
function sameIncreasingIds(labels: LabelRows, predictions: LabelRows): boolean {
  const a = labels.numericIds;
  const b = predictions.numericIds;
  if (!a || !b || a.length !== b.length) return false;
  for (let row = 0; row < a.length; row++) {
    if (a[row] !== b[row] || (row > 0 && a[row]! <= a[row - 1]!)) return false;
  }
  return true;
}

interface IdIndex {
  /** Label row whose id equals the id of `rows[row]`, or -1. */
  find(rows: LabelRows, row: number): number;
  /** Label row + 1 by id, when ids are small integers (0 = no such id). */
  position?: Int32Array;
  duplicates: RowExamples;
  strategy: Alignment['strategy'];
}

/** Builds the fastest index the label ids allow; later label rows with a seen id are duplicates. */
function indexIds(labels: LabelRows): IdIndex {
  const ids = labels.numericIds;
  let largest = -1;
  for (let row = 0; ids && row < ids.length; row++) if (ids[row]! > largest) largest = ids[row]!;
  // A typed index costs 4 bytes per possible id: worth it while ids are dense enough.
  return ids && largest < 8 * ids.length + 1024 ? typedIndex(ids, largest) : mapIndex(labels);
}

function typedIndex(ids: Float64Array, largest: number): IdIndex {
  const duplicates = none();
  const position = new Int32Array(largest + 1);
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row]! | 0;
    if (position[id] !== 0) note(duplicates, row);
    else position[id] = row + 1;
  }
  const find = (rows: LabelRows, row: number) => {
    const id = numericId(rows, row);
    return id <= largest ? position[id | 0]! - 1 : -1; // NaN (not an integer id) compares false
  };
  return { find, position, duplicates, strategy: 'typed-index' };
}

function mapIndex(labels: LabelRows): IdIndex {
  const duplicates = none();
  const ids = labels.numericIds;
  const position = new Map<number | string, number>();
  for (let row = 0; row < labels.count; row++) {
    const id = ids ? ids[row]! : idText(labels, row);
    if (position.has(id)) note(duplicates, row);
    else position.set(id, row);
  }
  const find = (rows: LabelRows, row: number) =>
    position.get(ids ? numericId(rows, row) : idText(rows, row)) ?? -1;
  return { find, duplicates, strategy: 'map' };
}

/** The id of `rows[row]` as a number, or NaN when it is not a canonical integer (so it matches no number). */
function numericId(rows: LabelRows, row: number): number {
  if (rows.numericIds) return rows.numericIds[row]!;
  return canonicalInteger(rows.textIds![row]!) ?? Number.NaN;
}

function none(): RowExamples {
  return { count: 0, rows: [] };
}

/** Counts `row` and keeps it as an example while there is room; true when kept. */
function note(examples: RowExamples, row: number): boolean {
  if (examples.count++ >= EXAMPLES) return false;
  examples.rows.push(row);
  return true;
}

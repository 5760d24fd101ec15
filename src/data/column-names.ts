/**
 * Finding the id and label columns in a header row (or the keys of a JSONL object), and saying what
 * to do when they are not there: which columns were found and which one was probably meant.
 */
import { InputFileError } from '../files/input-files.js';
import { quoteValue } from './quote-value.js';

/** Which columns to read, by name; `id: null` reads labels only (training-label counts). */
export interface WantedColumns {
  id: string | null;
  label: string;
}

/** Positions of the wanted columns in a header, and how many columns each row must have. */
export interface ColumnLayout {
  /** Index of the id column, or -1 when ids are not read. */
  idColumn: number;
  labelColumn: number;
  columnCount: number;
}

/** Locates the wanted columns in `header`; throws an InputFileError naming the file and line if absent. */
export function locateColumns(
  header: string[],
  wanted: WantedColumns,
  file: string,
  line: number,
): ColumnLayout {
  const names = header.map((name) => name.trim());
  const idColumn = wanted.id === null ? -1 : names.indexOf(wanted.id);
  const labelColumn = names.indexOf(wanted.label);
  const missing = [
    wanted.id !== null && idColumn < 0 ? wanted.id : undefined,
    labelColumn < 0 ? wanted.label : undefined,
  ];
  const absent = missing.filter((name): name is string => name !== undefined);
  if (absent.length > 0) {
    throw new InputFileError(file, missingColumnsMessage(file, line, absent, names, wanted, 'csv'), { line });
  }
  return { idColumn, labelColumn, columnCount: names.length };
}

/**
 * `no "label" column; the columns found are "id", "pred". Did you mean "pred" for "label"?` plus what the
 * file should look like. For JSONL the same words speak of keys of the object. A CSV first line that
 * looks like data (a number among its fields and no wanted name in any case) is called that, and its
 * values are not offered as column names.
 */
export function missingColumnsMessage(
  file: string,
  line: number,
  absent: string[],
  found: string[],
  wanted: WantedColumns,
  format: 'csv' | 'jsonl',
): string {
  const noun = format === 'csv' ? 'column' : 'key';
  const quoted = absent.map((name) => `"${name}"`).join(' and ');
  const listed = found.slice(0, 20).map((name) => quoteValue(name));
  const shown = found.length === 0 ? '(nothing)' : `${listed.join(', ')}${found.length > 20 ? ', …' : ''}`;
  const example = [wanted.id, wanted.label].filter((name) => name !== null).join(',');
  if (format === 'csv' && looksLikeData(found, wanted)) {
    return `${file} line ${line}: no ${quoted} ${noun}; the first line holds ${shown}, which looks like data, not a header: add the header row "${example}" as the first line.`;
  }
  const taken: (string | null)[] = [wanted.id, wanted.label];
  const hints = absent
    .map((name) => {
      const guess = suggestColumn(name, found, taken);
      if (guess !== undefined) taken.push(guess);
      return guess === undefined ? '' : ` Did you mean ${quoteValue(guess)} for "${name}"?`;
    })
    .join('');
  const advice =
    format === 'jsonl'
      ? ` Each line must be an object with these keys, e.g. {"${wanted.id ?? 'id'}": 1, "${wanted.label}": "cat"}.`
      : ` The first line must be a header naming the columns, e.g. "${example}" (names are case-sensitive).`;
  return `${file} line ${line}: no ${quoted} ${noun}; the ${noun}s found are ${shown}.${hints}${advice}`;
}

/**
 * The found name closest to `wanted`: the same letters ignoring case, else at most 2 edits away, else
 * the only column not spoken for (`id,prediction` → "prediction" for "label").
 */
export function suggestColumn(wanted: string, found: string[], taken: (string | null)[]): string | undefined {
  const candidates = found.filter((name) => !taken.includes(name) && name !== '' && !isNumber(name));
  const lower = wanted.toLowerCase();
  const sameLetters = candidates.find((name) => name.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of candidates) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best ?? (candidates.length === 1 ? candidates[0] : undefined);
}

/** A number such as `3`, `-0.5` or `1e-3`: a data value, never a column name to suggest. */
function isNumber(name: string): boolean {
  return /^-?[\d.]+(e-?\d+)?$/i.test(name);
}

/** A header line names columns; a line with a number among its fields and no wanted name is data. */
function looksLikeData(found: string[], wanted: WantedColumns): boolean {
  const names = [wanted.id, wanted.label].flatMap((name) => (name === null ? [] : [name.toLowerCase()]));
  return found.some(isNumber) && !found.some((name) => names.includes(name.toLowerCase()));
}

/** Levenshtein distance; inputs are header names, so the quadratic cost is irrelevant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

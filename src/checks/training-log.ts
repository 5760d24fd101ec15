/**
 * Reads a training log: CSV with a header row, or JSONL with one object per line. Keeps the columns
 * the training check needs (step, loss, val_loss, val_accuracy); NaN and ±Infinity are kept as such
 * (Python's json writes them bare), so divergence is detected instead of crashing the parser.
 */
import { InputFileError } from '../files/input-files.js';

/** One logged point. `undefined` means the column was absent or empty on that row. */
export interface LogPoint {
  step: number;
  loss: number;
  valLoss: number | undefined;
  valAccuracy: number | undefined;
  /** 1-based line in the file. */
  line: number;
}

const COLUMNS = { step: 'step', loss: 'loss', valLoss: 'val_loss', valAccuracy: 'val_accuracy' } as const;

/** Parses the log text; `file` names it in errors. */
export function parseTrainingLog(text: string, file: string, format: 'csv' | 'jsonl'): LogPoint[] {
  const lines = text.split(/\r?\n/);
  return format === 'jsonl' ? parseJsonl(lines, file) : parseCsv(lines, file);
}

function parseCsv(lines: string[], file: string): LogPoint[] {
  const header = (lines[0] ?? '').split(',').map((name) => name.trim().toLowerCase());
  const at = (name: string) => header.indexOf(name);
  if (at(COLUMNS.loss) < 0) {
    throw new InputFileError(
      file,
      `${file} has no "loss" column; the header must name step,loss (and optionally val_loss,val_accuracy)`,
      { line: 1 },
    );
  }
  const points: LogPoint[] = [];
  lines.slice(1).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const cells = raw.split(',');
    const cell = (name: string) => (at(name) < 0 ? undefined : cells[at(name)]);
    points.push(point((name) => cell(name), file, index + 2, points.length));
  });
  return points;
}

function parseJsonl(lines: string[], file: string): LogPoint[] {
  const points: LogPoint[] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw.replace(/(?<=[:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '"$1"'));
    } catch (error) {
      throw new InputFileError(file, `${file} line ${index + 1} is not JSON: ${(error as Error).message}`, {
        line: index + 1,
        cause: error,
      });
    }
    if (typeof row !== 'object' || row === null) {
      throw new InputFileError(
        file,
        `${file} line ${index + 1} must be an object like {"step": 1, "loss": 2.3}`,
        { line: index + 1 },
      );
    }
    const record = row as Record<string, unknown>;
    points.push(
      point(
        (name) => (record[name] === undefined || record[name] === null ? undefined : String(record[name])),
        file,
        index + 1,
        points.length,
      ),
    );
  });
  return points;
}

function point(
  cell: (name: string) => string | undefined,
  file: string,
  line: number,
  index: number,
): LogPoint {
  const loss = toNumber(cell(COLUMNS.loss));
  if (loss === undefined) throw new InputFileError(file, `${file} line ${line} has no loss value`, { line });
  return {
    step: toNumber(cell(COLUMNS.step)) ?? index,
    loss,
    valLoss: toNumber(cell(COLUMNS.valLoss)),
    valAccuracy: toNumber(cell(COLUMNS.valAccuracy)),
    line,
  };
}

/** "nan" → NaN, "inf" → Infinity, "" → undefined; anything else unreadable → NaN (reported as non-finite). */
function toNumber(text: string | undefined): number | undefined {
  const value = text?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (/^[+-]?(inf|infinity)$/.test(value)) return value.startsWith('-') ? -Infinity : Infinity;
  return Number(value);
}

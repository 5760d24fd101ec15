/**
 * Reader for small tabular test sets in CSV: a header row, one example per line, a label column and
 * numeric feature columns (every other column, in file order, unless `features` names them). Meant
 * for tabular models; image sets belong in IDX, CIFAR or NPY files.
 */

/** Features (row-major, rows × columns) and the raw label text of each row. */
export interface CsvDataset {
  rows: number;
  columns: string[];
  features: Float32Array;
  labels: string[];
}

/** Options: which column holds the label, and optionally which columns are features. */
export interface CsvDatasetOptions {
  labelColumn: string;
  features?: readonly string[] | undefined;
}

/** Parses a plain CSV test set (no quoted fields). Throws naming the line of the first bad value. */
export function readCsvDataset(text: string, name: string, options: CsvDatasetOptions): CsvDataset {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  const labelIndex = header.indexOf(options.labelColumn);
  if (labelIndex < 0)
    throw new Error(`${name} has no "${options.labelColumn}" column (header: ${header.join(', ')})`);
  const columns = options.features ? [...options.features] : header.filter((_, i) => i !== labelIndex);
  const indexes = columns.map((column) => {
    const index = header.indexOf(column);
    if (index < 0) throw new Error(`${name} has no feature column "${column}"`);
    return index;
  });
  const rows = lines.length - 1;
  const features = new Float32Array(rows * columns.length);
  const labels: string[] = [];
  for (let row = 0; row < rows; row++) {
    const cells = lines[row + 1]!.split(',');
    if (cells.length !== header.length) {
      throw new Error(`${name} line ${row + 2} has ${cells.length} cells; the header has ${header.length}`);
    }
    indexes.forEach((index, column) => {
      const value = Number(cells[index]);
      if (cells[index]!.trim() === '' || !Number.isFinite(value)) {
        throw new Error(
          `${name} line ${row + 2}, column "${columns[column]}": "${cells[index]}" is not a number`,
        );
      }
      features[row * columns.length + column] = value;
    });
    labels.push(cells[labelIndex]!.trim());
  }
  return { rows, columns, features, labels };
}

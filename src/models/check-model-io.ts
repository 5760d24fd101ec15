/**
 * Validates a loaded model against the test set before anything runs: the input rank and every fixed
 * dimension must match the preprocessed examples, the input must take float32, and the output must
 * give one score per class. Each mismatch is a sentence telling the student what to change.
 */
import type { LoadedModel } from './loaded-model.js';

/** Problems found; empty when the model can be run on inputs of `exampleShape`. */
export function checkModelIo(
  model: LoadedModel,
  exampleShape: readonly number[],
  classCount: number,
): string[] {
  const problems: string[] = [];
  const expected = `[batch, ${exampleShape.join(', ')}]`;
  const shown = `[${model.inputShape.map((dim) => dim ?? '?').join(', ')}]`;
  const input = model.inputShape.slice(1);
  if (
    input.length !== exampleShape.length ||
    input.some((dim, i) => dim !== null && dim !== exampleShape[i])
  ) {
    problems.push(
      `the model takes input of shape ${shown} but the test set gives ${expected}; build the model for inputs of that shape (or ask the instructor whether the preprocessing is right)`,
    );
  }
  if (model.inputDtype !== 'float32') {
    problems.push(`the model takes ${model.inputDtype} input; it must take float32 (${expected})`);
  }
  const output = model.outputShape;
  const classes = output?.[output.length - 1];
  if (output && (output.length !== 2 || (classes !== null && classes !== classCount))) {
    problems.push(
      `the model outputs shape [${output.map((dim) => dim ?? '?').join(', ')}] but must output one score per class: [batch, ${classCount}]`,
    );
  }
  return problems;
}

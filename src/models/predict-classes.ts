/** Runs a model over a whole preprocessed test set in batches and keeps the predicted class of each example. */
import type { Tensor32 } from '../data/preprocess.js';
import { argmaxRows, type LoadedModel } from './loaded-model.js';

/** Predicted class per example (-1 where the scores were NaN) and the number of score columns. */
export interface Predictions {
  predicted: Int32Array;
  classes: number;
}

/** Predicts `inputs` batch by batch. */
export async function predictClasses(
  model: LoadedModel,
  inputs: Tensor32,
  batchSize: number,
): Promise<Predictions> {
  if (model.predictClasses) return model.predictClasses(inputs, batchSize);
  const count = inputs.shape[0]!;
  const size = inputs.data.length / Math.max(count, 1);
  const predicted = new Int32Array(count);
  let classes = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const batch = {
      shape: [end - start, ...inputs.shape.slice(1)],
      data: inputs.data.subarray(start * size, end * size),
    };
    const result = await model.predict(batch);
    classes = result.classes;
    argmaxRows(result.scores, result.classes, predicted, start);
  }
  return { predicted, classes };
}

/** Rows `start`..`end` of a batch tensor (a view, not a copy). */
export function sliceRows(inputs: Tensor32, start: number, end: number): Tensor32 {
  const size = inputs.data.length / Math.max(inputs.shape[0]!, 1);
  return {
    shape: [end - start, ...inputs.shape.slice(1)],
    data: inputs.data.subarray(start * size, end * size),
  };
}

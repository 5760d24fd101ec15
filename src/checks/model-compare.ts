/**
 * `compare_to` of the `model` check: a second model in the submission (e.g. the milestone-1 dense
 * network) loaded only to count its parameters, so a CNN can show that convolution needs fewer.
 */

import { InputFileError } from '../files/input-files.js';
import { loadModel } from '../models/load-model.js';
import type { Finding } from '../results/results-schema.js';
import type { Comparison } from './model-report.js';
import { inferenceLimits, type ModelSpec } from './model-spec.js';
import type { GradingContext } from './types.js';

/** Size facts of the compare_to model, or undefined when none is configured or it cannot be loaded. */
export async function compareTo(
  options: ModelSpec,
  context: GradingContext,
  maxBytes: number,
  log: string[],
): Promise<Comparison | undefined> {
  const spec = options.compare_to;
  if (!spec) return undefined;
  try {
    const format = spec.format ?? 'auto';
    const other = await loadModel(
      context.submissionDir,
      spec.model,
      format,
      maxBytes,
      inferenceLimits(options),
    );
    await other.model.dispose();
    log.push(`compare_to ${spec.model}: ${other.model.parameters} parameters`);
    return {
      label: spec.label ?? 'comparison model',
      file: spec.model,
      parameters: other.model.parameters,
      bytesOnDisk: other.model.bytesOnDisk,
    };
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    log.push(`compare_to ${spec.model}: ${error.message}`);
    return undefined;
  }
}

/** A warning when compare_to is configured but its model could not be loaded. */
export function comparisonFindings(options: ModelSpec, comparison: Comparison | undefined): Finding[] {
  if (!options.compare_to || comparison) return [];
  const file = options.compare_to.model;
  const message = `${file} (compare_to) could not be loaded, so no parameter comparison is reported; commit it as a loadable model`;
  return [{ level: 'warning', file, message }];
}

/** The `pass_when` thresholds of the `model` check, checked against what was measured. */
import type { ModelMeasurements } from './model-report.js';
import type { ModelSpec } from './model-spec.js';

/** Thresholds the measurements miss, as "accuracy 0.8100 < 0.85"; empty when the model passes. */
export function unmetThresholds(passWhen: ModelSpec['pass_when'], m: ModelMeasurements): string[] {
  const unmet: string[] = [];
  const below = (name: string, threshold: number | undefined, value: number | null) => {
    if (threshold === undefined || (value !== null && value >= threshold)) return;
    unmet.push(`${name} ${value === null ? 'n/a' : value.toFixed(4)} < ${threshold}`);
  };
  below('accuracy', passWhen?.accuracy, m.metrics.accuracy);
  below('macro F1', passWhen?.macro_f1, m.metrics.macroF1);
  if (passWhen?.max_parameters !== undefined && m.model.parameters > passWhen.max_parameters) {
    unmet.push(`parameters ${m.model.parameters} > ${passWhen.max_parameters}`);
  }
  if (passWhen?.fewer_parameters) {
    const { comparison } = m;
    if (!comparison) unmet.push('no comparison model to have fewer parameters than');
    else if (m.model.parameters >= comparison.parameters) {
      unmet.push(`parameters ${m.model.parameters} ≥ ${comparison.parameters} of the ${comparison.label}`);
    }
  }
  return unmet;
}

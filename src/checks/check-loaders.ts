/**
 * Each check kind's code, loaded only when a config uses the kind. Grading a submission loads the
 * checks its assignment names and nothing else: an ONNX model check does not pay for TF.js, the
 * service load tester or the training-log parser. The static registry (registry.ts) stays for what
 * needs every kind at once (the config schema); test/checks/check-loaders.test.ts keeps the two equal.
 */
import type { CheckDefinition } from './types.js';

type Loader = () => Promise<CheckDefinition>;

const as = (definition: unknown) => definition as CheckDefinition;

/** Loaders by kind. Adding a kind: one line here and one in registry.ts. */
export const CHECK_LOADERS: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ['files', async () => as((await import('./files.js')).filesCheck)],
  ['experiment', async () => as((await import('./experiment.js')).experimentCheck)],
  ['predictions', async () => as((await import('./predictions.js')).predictionsCheck)],
  ['model', async () => as((await import('./model.js')).modelCheck)],
  ['training', async () => as((await import('./training.js')).trainingCheck)],
  ['reproduce', async () => as((await import('./reproduce.js')).reproduceCheck)],
  ['service', async () => as((await import('./service.js')).serviceCheck)],
]);

/** The definition of `kind`, loading its module on first use; undefined for an unknown kind. */
export function loadCheck(kind: string): Promise<CheckDefinition> | undefined {
  return CHECK_LOADERS.get(kind)?.();
}

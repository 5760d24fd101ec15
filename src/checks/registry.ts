/**
 * Every check kind mlgrade offers, by `kind:` name. Adding a kind is one file in src/checks/ and one
 * line here; the config schema, `mlgrade validate` and the docs pick it up from this map.
 */
import type { TSchema } from '@sinclair/typebox';
import { experimentCheck } from './experiment.js';
import { filesCheck } from './files.js';
import { modelCheck } from './model.js';
import { predictionsCheck } from './predictions.js';
import { reproduceCheck } from './reproduce.js';
import { serviceCheck } from './service.js';
import { trainingCheck } from './training.js';
import type { CheckDefinition } from './types.js';

const definitions: CheckDefinition<never>[] = [
  filesCheck as CheckDefinition<never>,
  experimentCheck as CheckDefinition<never>,
  predictionsCheck as CheckDefinition<never>,
  modelCheck as CheckDefinition<never>,
  trainingCheck as CheckDefinition<never>,
  reproduceCheck as CheckDefinition<never>,
  serviceCheck as CheckDefinition<never>,
];

/** Registered checks by kind. */
export const CHECKS: ReadonlyMap<string, CheckDefinition> = new Map(
  definitions.map((definition) => [definition.kind, definition as unknown as CheckDefinition]),
);

/** Spec schemas by kind, for building the config schema. */
export function checkSpecSchemas(): ReadonlyMap<string, TSchema> {
  return new Map([...CHECKS].map(([kind, definition]) => [kind, definition.spec]));
}

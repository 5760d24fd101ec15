/**
 * Validates a results file against the contract. Results come back from runners that executed student
 * code, so the app validates before trusting them; the CLI validates what it writes as a self-check.
 *
 * Compiling the schema with ajv costs tens of milliseconds on every cold `mlgrade grade`, so
 * `npm run schema` writes results-validator.generated.ts, ajv's standalone code for the schema with a
 * hash of the schema it was made from. The generated validator is used only while that hash matches
 * the schema in this build; otherwise (a schema changed without `npm run schema`) the schema is
 * compiled here, so a stale file can cost time but never validate against an old contract.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ErrorObject, Options } from 'ajv';
import { type Results, ResultsSchema } from './results-schema.js';
import * as generated from './results-validator.generated.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** ajv options for both the generated and the run-time validator. */
export const RESULTS_AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  formats: { 'date-time': DATE_TIME },
};

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

let compiled: Validator | undefined;

/** The hash the generated validator records: the schema and the options it was compiled with. */
export function resultsSchemaHash(): string {
  return createHash('sha256').update(JSON.stringify(ResultsSchema)).update(String(DATE_TIME)).digest('hex');
}

function validator(): Validator {
  if (compiled) return compiled;
  compiled =
    generated.GENERATED_SCHEMA_HASH === resultsSchemaHash()
      ? (generated.validate as Validator)
      : compileNow();
  return compiled;
}

/** ajv, loaded only on this fallback path: loading it is most of what the generated file saves. */
function compileNow(): Validator {
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new Ajv(RESULTS_AJV_OPTIONS).compile(ResultsSchema) as Validator;
}

/** Returns the results typed when valid, else the list of problems as `path: message` lines. */
export function validateResults(
  data: unknown,
): { ok: true; results: Results } | { ok: false; errors: string[] } {
  const validate = validator();
  if (validate(data)) return { ok: true, results: data as Results };
  return { ok: false, errors: (validate.errors ?? []).slice(0, 50).map(describe) };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`;
}

/**
 * Validates a results file against the contract. Results come back from runners that executed student
 * code, so the app validates before trusting them; the CLI validates what it writes as a self-check.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { type Results, ResultsSchema } from './results-schema.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Returns the results typed when valid, else the list of problems as `path: message` lines. */
export function validateResults(
  data: unknown,
): { ok: true; results: Results } | { ok: false; errors: string[] } {
  compiled ??= new Ajv({ allErrors: true, strict: false, formats: { 'date-time': DATE_TIME } }).compile(
    ResultsSchema,
  );
  if (compiled(data)) return { ok: true, results: data as Results };
  return { ok: false, errors: (compiled.errors ?? []).slice(0, 50).map(describe) };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`;
}

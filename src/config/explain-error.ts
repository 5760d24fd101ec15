/**
 * Phrases one (already folded) ajv error for a course author: what is wrong, what is allowed, and a
 * "did you mean" when the value is a near miss. Patterns are explained in words, never as regexes
 * when we know what they stand for.
 */
import type { ErrorObject } from 'ajv';
import { CHECK_ID_PATTERN } from '../checks/common-spec.js';
import { didYouMean } from './did-you-mean.js';
import { ASSIGNMENT_ID_PATTERN, DUE_PATTERN } from './schema.js';

/** A phrased error; `key` is set when the problem is a key (position and path then name the key). */
export interface Explanation {
  message: string;
  key?: string;
}

const PATTERN_WORDS = new Map<string, string>([
  [
    ASSIGNMENT_ID_PATTERN,
    'an id of lowercase letters, digits, - and _ (starting with a letter or digit), optionally namespaced with / as in `tinytorch/milestone-4`',
  ],
  [CHECK_ID_PATTERN, 'an id of lowercase letters, digits, - and _, starting with a letter or digit'],
  [
    DUE_PATTERN,
    'a date or date-time such as `2026-12-04`, `2026-12-04T23:59` or `2026-12-04T23:59:00+01:00`',
  ],
  ['^[a-z0-9][a-z0-9_-]*\\.[A-Za-z0-9_.*-]+$', '`<check id>.<metric name>`, e.g. `hidden-test.accuracy`'],
]);

type Schema = {
  properties?: Record<string, { description?: string; const?: unknown }>;
  description?: string;
};

/** Message (and key, for key problems) for one ajv error. */
export function explainError(error: ErrorObject): Explanation {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Schema;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(String(params.additionalProperty), parent);
    case 'required':
      return { message: missingKey(String(params.missingProperty), parent) };
    case 'type':
      return { message: `expected ${listTypes(params.type)}, got ${describe(error.data)}` };
    case 'enum':
      return { message: notAllowed(error.data, params.allowedValues as unknown[], error.instancePath) };
    case 'const':
      return { message: `must be ${JSON.stringify(params.allowedValue)}, got ${describe(error.data)}` };
    case 'pattern':
      return { message: patternMessage(String(params.pattern), error.data, parent) };
    default:
      return { message: rangeMessage(error) };
  }
}

function unknownKey(key: string, parent: Schema): Explanation {
  const allowed = Object.keys(parent.properties ?? {});
  const kind = parent.properties?.kind?.const;
  const what = typeof kind === 'string' ? `option "${key}" for a ${kind} check` : `key "${key}"`;
  return { key, message: `unknown ${what}${didYouMean(key, allowed)} (allowed: ${allowed.join(', ')})` };
}

function missingKey(key: string, parent: Schema): string {
  const description = parent.properties?.[key]?.description;
  return `missing required key "${key}"${description ? ` (${description.replace(/\.$/, '')})` : ''}`;
}

function notAllowed(value: unknown, allowed: readonly unknown[], instancePath: string): string {
  const words = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const hint = typeof value === 'string' ? didYouMean(value, words) : '';
  if (/\/checks\/\d+\/kind$/.test(instancePath)) {
    return `unknown check kind ${describe(value)}${hint} (available: ${words.join(', ')})`;
  }
  return `${describe(value)} is not allowed here${hint} (allowed: ${words.join(', ')})`;
}

function patternMessage(pattern: string, value: unknown, parent: Schema): string {
  const words = PATTERN_WORDS.get(pattern);
  if (words) return `${describe(value)} is not ${words}`;
  const description = parent.description ? ` (${parent.description.replace(/\.$/, '')})` : '';
  return `${describe(value)} does not have the expected form${description}; it must match /${pattern}/`;
}

function rangeMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const got = `, got ${describe(error.data)}`;
  switch (error.keyword) {
    case 'minimum':
      return `must be at least ${params.limit}${got}`;
    case 'maximum':
      return `must be at most ${params.limit}${got}`;
    case 'exclusiveMinimum':
      return `must be greater than ${params.limit}${got}`;
    case 'exclusiveMaximum':
      return `must be less than ${params.limit}${got}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long`;
    case 'maxLength':
      return `must be at most ${params.limit} characters long`;
    case 'minItems':
      return `needs at least ${params.limit} ${params.limit === 1 ? 'entry' : 'entries'}`;
    case 'maxItems':
      return `takes at most ${params.limit} entries`;
    case 'format':
      return `${describe(error.data)} is not a valid ${params.format}`;
    default:
      return error.message ?? `is invalid (${error.keyword})`;
  }
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'nothing',
};

function listTypes(type: unknown): string {
  const words = [type].flat().map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words[0]!;
}

/** A value as a message shows it: strings quoted, containers named. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/**
 * The precompiled results validator and ajv compiling the schema at run time must give the same
 * verdicts; the generated one must be the one in use (its hash matches this build's schema).
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ResultsSchema } from '../../src/results/results-schema.js';
import * as generated from '../../src/results/results-validator.generated.js';
import {
  RESULTS_AJV_OPTIONS,
  resultsSchemaHash,
  validateResults,
} from '../../src/results/validate-results.js';
import { results } from '../render/fixtures.js';

describe('validateResults', () => {
  const compiled = new Ajv(RESULTS_AJV_OPTIONS).compile(ResultsSchema);
  const good = results();
  const cases: [string, unknown][] = [
    ['valid results', good],
    ['a missing field', { ...good, checks: undefined }],
    ['a bad date-time', { ...good, startedAt: '2026-11-24 25:00' }],
    ['a wrong status', { ...good, checks: [{ ...good.checks[0], status: 'maybe' }] }],
    ['not an object', 42],
  ];

  it('uses the generated validator for this build', () => {
    expect(generated.GENERATED_SCHEMA_HASH).toBe(resultsSchemaHash());
  });

  it.each(cases)('gives the same verdict as ajv compiling the schema: %s', (name, data) => {
    const verdict = validateResults(data);
    expect(verdict.ok).toBe(name === 'valid results');
    expect(verdict.ok).toBe(compiled(data));
    if (!verdict.ok) expect(verdict.errors.length).toBeGreaterThan(0);
  });

  it('names the path of a problem', () => {
    const verdict = validateResults({ ...good, checks: [{ ...good.checks[0], status: 'maybe' }] });
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.errors).toContainEqual(expect.stringMatching(/^\/checks\/0\/status: /));
  });
});

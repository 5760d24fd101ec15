/**
 * A generated validator from another schema (a schema changed without `npm run schema`) must not be
 * used: validateResults compiles this build's schema instead and still judges correctly.
 */
import { describe, expect, it, vi } from 'vitest';
import { results } from '../render/fixtures.js';

vi.mock('../../src/results/results-validator.generated.js', () => ({
  GENERATED_SCHEMA_HASH: 'a stale hash',
  // A stale validator that accepts anything: using it would let invalid results through.
  validate: () => true,
}));

describe('validateResults with a stale generated validator', () => {
  it('compiles the current schema instead', async () => {
    const { validateResults } = await import('../../src/results/validate-results.js');
    expect(validateResults(results()).ok).toBe(true);
    expect(validateResults({ ...results(), checks: 'none' }).ok).toBe(false);
  });
});

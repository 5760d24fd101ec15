import { describe, expect, it } from 'vitest';
import { timingSensitive } from '../../src/grading/timing-sensitive.js';
import { milestone4 } from '../render/fixtures.js';

describe('timingSensitive', () => {
  it('is true for a service check or a rubric reading a timing metric, false otherwise', () => {
    expect(timingSensitive(milestone4)).toBe(false);
    expect(
      timingSensitive({ ...milestone4, checks: [...milestone4.checks, { id: 'api', kind: 'service' }] }),
    ).toBe(true);
    const latency = {
      id: 'fast',
      title: 'Fast',
      points: 5,
      metric: 'hidden-test.latency_p50_ms',
      scale: { zero_at: 50, full_at: 5 },
    };
    expect(timingSensitive({ ...milestone4, rubric: [...milestone4.rubric, latency] })).toBe(true);
    const accuracy = { ...latency, metric: 'hidden-test.accuracy' };
    expect(timingSensitive({ ...milestone4, rubric: [...milestone4.rubric, accuracy] })).toBe(false);
  });
});

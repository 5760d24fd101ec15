/** The check-inputs fingerprint a rescore compares: what changes it and what does not. */
import { describe, expect, it } from 'vitest';
import type { CheckSpecConfig, CourseConfig } from '../../src/config/schema.js';
import { canonicalJson, checkInputs } from '../../src/grading/check-inputs.js';

const course = { course: { id: 'c', title: 'C' } } as unknown as CourseConfig;
const spec = {
  id: 'hidden-test',
  kind: 'predictions',
  title: 'Hidden test',
  predictions: 'predictions.csv',
  labels: 'labels.csv',
  pass_when: { accuracy: 0.75, macro_f1: 0.5 },
} as unknown as CheckSpecConfig;

describe('checkInputs', () => {
  it('is the sha256 of the canonical spec without display fields', async () => {
    const { createHash } = await import('node:crypto');
    // Written out by hand: keys sorted at every depth, title left out, no sandbox block.
    const expected =
      '{"sandbox":null,"spec":{"id":"hidden-test","kind":"predictions","labels":"labels.csv","pass_when":{"accuracy":0.75,"macro_f1":0.5},"predictions":"predictions.csv"}}';
    expect(checkInputs(spec, course)).toBe(`sha256:${createHash('sha256').update(expected).digest('hex')}`);
  });

  it('does not change with key order, the title or hidden', () => {
    const reordered = {
      pass_when: { macro_f1: 0.5, accuracy: 0.75 },
      labels: 'labels.csv',
      kind: 'predictions',
      predictions: 'predictions.csv',
      id: 'hidden-test',
      title: 'Another title',
      hidden: true,
    } as unknown as CheckSpecConfig;
    expect(checkInputs(reordered, course)).toBe(checkInputs(spec, course));
  });

  it.each([
    ['a hidden file', { labels: 'labels-v2.csv' }],
    ['a threshold', { pass_when: { accuracy: 0.8, macro_f1: 0.5 } }],
  ])('changes with %s', (_, change) => {
    expect(checkInputs({ ...spec, ...change } as CheckSpecConfig, course)).not.toBe(
      checkInputs(spec, course),
    );
  });

  it("changes with the course's sandbox limits", () => {
    const limited = {
      course: { ...course.course, sandbox: { timeout_seconds: 60 } },
    } as unknown as CourseConfig;
    expect(checkInputs(spec, limited)).not.toBe(checkInputs(spec, course));
  });

  it('writes arrays in order and leaves undefined fields out', () => {
    expect(canonicalJson({ b: [3, 1], a: undefined, c: null })).toBe('{"b":[3,1],"c":null}');
  });
});

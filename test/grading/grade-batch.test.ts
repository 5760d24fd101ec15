/** The batch pool: bounded concurrency, failures isolated, resume, exclusive items run alone. */
import { describe, expect, it } from 'vitest';
import { gradeBatch } from '../../src/grading/grade-batch.js';

const items = (names: string[]) => names.map((name) => ({ name }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('gradeBatch', () => {
  it('runs at most `concurrency` at once, keeps order, and isolates a failure', async () => {
    let running = 0;
    let peak = 0;
    const progress: number[] = [];
    const outcomes = await gradeBatch(items(['a', 'b', 'boom', 'c', 'd']), {
      concurrency: 2,
      grade: async ({ name }) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        if (name === 'boom') throw new Error('the check crashed');
        return name.toUpperCase();
      },
      onProgress: ({ done }) => progress.push(done),
    });
    expect(peak).toBe(2);
    expect(outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['a', 'graded'],
      ['b', 'graded'],
      ['boom', 'failed'],
      ['c', 'graded'],
      ['d', 'graded'],
    ]);
    expect(outcomes[2]).toMatchObject({ error: 'the check crashed' });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
  });

  it('resumes: what an earlier run finished is not graded again', async () => {
    const graded: string[] = [];
    const outcomes = await gradeBatch(items(['a', 'b']), {
      concurrency: 4,
      done: async ({ name }) => (name === 'a' ? 'A (earlier)' : undefined),
      grade: async ({ name }) => {
        graded.push(name);
        return name;
      },
    });
    expect(graded).toEqual(['b']);
    expect(outcomes).toMatchObject([
      { name: 'a', status: 'resumed', result: 'A (earlier)' },
      { name: 'b', status: 'graded', result: 'b' },
    ]);
  });

  it('runs an exclusive item alone', async () => {
    const log: string[] = [];
    let running = 0;
    await gradeBatch(items(['a', 'b', 'solo', 'c', 'd']), {
      concurrency: 3,
      exclusive: ({ name }) => name === 'solo',
      grade: async ({ name }) => {
        running++;
        log.push(`${name}:${running}`);
        await tick();
        running--;
      },
    });
    expect(log).toContain('solo:1');
    expect(log.filter((entry) => entry.endsWith(':1') === false).length).toBeGreaterThan(0);
  });
});

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

  it('fails an item that hangs past the time limit, and the rest go on', async () => {
    const outcomes = await gradeBatch(items(['a', 'hangs', 'b', 'c']), {
      concurrency: 2,
      timeoutMs: 50,
      grade: ({ name }) => (name === 'hangs' ? new Promise<string>(() => {}) : Promise.resolve(name)),
    });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['graded', 'failed', 'graded', 'graded']);
    expect(outcomes[1]).toMatchObject({
      error: expect.stringContaining('did not finish within 0 s (a check hung)'),
    });
  });

  it('resumes twice: each run grades only what the runs before it left', async () => {
    const finished = new Map<string, string>();
    const graded: string[][] = [];
    // Each run is interrupted after grading two items (the third throws as a kill would stop it).
    for (let run = 0; run < 3; run++) {
      const now: string[] = [];
      await gradeBatch(items(['a', 'b', 'c', 'd', 'e']), {
        concurrency: 1,
        done: async ({ name }) => finished.get(name),
        grade: async ({ name }) => {
          if (now.length === 2) throw new Error('interrupted');
          now.push(name);
          finished.set(name, name.toUpperCase());
          return name.toUpperCase();
        },
      });
      graded.push(now);
    }
    expect(graded).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect([...finished.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
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

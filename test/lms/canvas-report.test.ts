import { describe, expect, it } from 'vitest';
import { renderCanvasSyncMarkdown, renderCanvasSyncText } from '../../src/lms/canvas-report.js';
import { type SyncOutcome, summarize } from '../../src/lms/canvas-sync.js';

function outcome(overrides: Partial<SyncOutcome> = {}): SyncOutcome {
  const counts = { planned: 0, sent: 0, confirmed: 0, unchanged: 0, skipped: 0, failed: 0 };
  return {
    syncId: 'sync-1',
    dryRun: false,
    repeated: false,
    state: 'done',
    method: 'bulk',
    counts,
    grades: [],
    interrupted: [],
    requests: { total: 0, retries: 0, throttled: 0, byLabel: {} },
    summary: 'no grades',
    ...overrides,
  };
}

describe('Canvas sync report', () => {
  it('summarizes counts in the words the issue uses', () => {
    const counts = { planned: 0, sent: 0, confirmed: 0, unchanged: 30, skipped: 0, failed: 0 };
    expect(summarize(counts, false)).toBe('30 unchanged');
    expect(summarize({ ...counts, unchanged: 27, planned: 3 }, true)).toBe('would send 3, 27 unchanged');
    expect(summarize({ ...counts, unchanged: 0, confirmed: 28, skipped: 1, failed: 1 }, false)).toBe(
      '28 sent and confirmed, 1 skipped, 1 failed',
    );
  });

  it('caps the Markdown table and the names of an interrupted sync, and escapes reasons', () => {
    const grades = Array.from({ length: 150 }, (_, i) => ({
      assignmentId: 'm4',
      student: `s${String(i).padStart(3, '0')}`,
      oldGrade: '1',
      newGrade: '2',
      state: 'confirmed' as const,
    }));
    grades[0] = { ...grades[0], state: 'failed', reason: 'Canvas said | <b>no</b> @prof' } as never;
    const text = renderCanvasSyncMarkdown(
      outcome({
        grades,
        summary: '149 sent and confirmed, 1 failed',
        interrupted: [
          {
            syncId: 'old',
            startedAt: '2026-11-24T10:00:00.000Z',
            requestedBy: 'ta',
            sent: grades.map((g) => ({ assignmentId: 'm4', student: g.student, grade: '2' })),
            notSent: [],
          },
        ],
      }),
    );
    expect(text.split('\n').filter((line) => line.startsWith('| s'))).toHaveLength(100);
    expect(text).toContain('…and 50 more rows (see the ledger).');
    expect(text).toContain('It had sent 150 grades');
    expect(text).toContain('and 100 more.');
    expect(text).toContain('FAILED: Canvas said \\| &lt;b&gt;no&lt;/b&gt; @\u2060prof');
    // Failures come first.
    expect(text.split('\n').find((line) => line.startsWith('| s'))).toContain('s000');
  });

  it('says a repeated request sent nothing, and leaves unchanged grades out of the table', () => {
    const text = renderCanvasSyncText(
      outcome({
        repeated: true,
        summary: '2 unchanged',
        grades: [
          { assignmentId: 'm4', student: 'ada', oldGrade: '5', newGrade: '5', state: 'unchanged' },
          { assignmentId: 'm4', student: 'bob', oldGrade: '5', newGrade: '5', state: 'unchanged' },
        ],
      }),
    );
    expect(text).toContain('Canvas sync (repeated request: nothing sent): 2 unchanged');
    expect(text).not.toContain('ada');
  });
});

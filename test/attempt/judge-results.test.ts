/** judgeResults on plain inputs: every way a results file can fail the attempt, and one that scores. */
import { describe, expect, it } from 'vitest';
import {
  type AttemptFacts,
  judgeResults,
  type ResultsFile,
  type ScoringHistory,
} from '../../src/attempt/judge-results.js';
import type { CourseConfig } from '../../src/config/schema.js';
import { resultsKey, signResults } from '../../src/results/results-signature.js';
import { course as courseHeader, milestone4, results } from '../render/fixtures.js';

const course: CourseConfig = { course: courseHeader, assignments: [milestone4] };
const submittedOnTime = new Date('2026-12-04T20:00:00Z');
const attempt: AttemptFacts = {
  id: 'att-1',
  courseId: courseHeader.id,
  assignmentId: milestone4.id,
  repository: 'course-org/milestone-4-alice',
  sha: 'a'.repeat(40),
  trigger: 'push',
  createdAt: submittedOnTime,
};
const answering = { ...results(), submission: { ...results().submission, attemptId: attempt.id } };
const KEY = resultsKey('app secret', 'c'.repeat(32));

/** A results file as the grader action of the dispatch writes it: text and its signature. */
function signed(text: string, key = KEY): { text: string; signature: string } {
  return { text, signature: `${signResults(key, text)}\n` };
}

function history(scored: { sha: string; createdAt: Date }[] = []): ScoringHistory {
  return {
    listManualScores: async () => ({ 'code-quality': { points: 20, by: 'prof' } }),
    listScores: async () => scored.map((one) => ({ attempt: one })),
  };
}

function judge(file: ResultsFile, overrides: Partial<Parameters<typeof judgeResults>[0]> = {}) {
  return judgeResults({
    attempt,
    course,
    run: { id: 7, conclusion: 'success' },
    file,
    resultsKey: KEY,
    history: history(),
    now: new Date('2026-12-01T00:00:00Z'),
    ...overrides,
  });
}

describe('judgeResults', () => {
  it('calls a missing artifact an infrastructure error when the run failed, invalid results when it succeeded', async () => {
    const failed = await judge(
      { missing: 'mlgrade-results-att-1' },
      { run: { id: 7, conclusion: 'failure' } },
    );
    expect(failed).toMatchObject({
      state: 'infra_error',
      error: 'grader run 7 finished (failure) without the artifact mlgrade-results-att-1',
      report: { conclusion: 'neutral', title: 'Grading infrastructure error (does not count as an attempt)' },
    });
    expect(await judge({ missing: 'mlgrade-results-att-1' })).toMatchObject({
      state: 'invalid_results',
      report: { conclusion: 'failure', title: 'Grading results were invalid' },
    });
  });

  it.each(['failure', 'cancelled', 'timed_out'])(
    'never scores results of a run that finished %s, even valid ones: an infrastructure error',
    async (conclusion) => {
      const run = { id: 7, conclusion };
      for (const file of [signed(JSON.stringify(answering)), { notRead: 'mlgrade-results-att-1' }]) {
        const verdict = await judge(file, { run });
        expect(verdict).toMatchObject({
          state: 'infra_error',
          error: expect.stringContaining(
            `grader run 7 finished (${conclusion}); results of a run that did not succeed are not scored`,
          ),
          report: { conclusion: 'neutral' },
        });
      }
    },
  );

  it('fails unreadable, unparsable, off-schema and foreign results', async () => {
    expect(await judge({ unreadable: 'results artifact has expired' })).toMatchObject({
      state: 'invalid_results',
      error: 'results artifact has expired',
    });
    expect(await judge(signed('{"schemaVersion":'))).toMatchObject({ state: 'invalid_results' });
    const offSchema = await judge(signed(JSON.stringify({ ...answering, extra: true })));
    expect(offSchema).toMatchObject({ state: 'invalid_results' });
    expect('error' in offSchema && offSchema.error).toMatch(/^results do not match the schema:\n/);
    const foreign = await judge(
      signed(JSON.stringify({ ...answering, submission: { ...answering.submission, sha: 'b'.repeat(40) } })),
    );
    expect('error' in foreign && foreign.error).toBe(
      `results answer another attempt: commit is "${'b'.repeat(40)}", expected "${'a'.repeat(40)}"`,
    );
  });

  it('rejects results without the signature of the dispatch key as invalid, and accepts signed ones', async () => {
    const text = JSON.stringify(answering);
    const rejected: [ResultsFile, string | undefined, string][] = [
      [{ text }, KEY, 'results are not signed: the artifact has no mlgrade-results.json.sig'],
      [signed(text, resultsKey('app secret', 'd'.repeat(32))), KEY, 'results signature does not match'],
      [signed(text, resultsKey('guessed secret', 'c'.repeat(32))), KEY, 'results signature does not match'],
      [{ text: `${text} `, signature: signed(text).signature }, KEY, 'results signature does not match'],
      [{ text, signature: 'sha256=' }, KEY, 'results signature does not match'],
      [signed(text), undefined, 'the attempt has no dispatch nonce'],
    ];
    for (const [file, key, why] of rejected) {
      const verdict = await judge(file, { resultsKey: key });
      expect(verdict).toMatchObject({ state: 'invalid_results', report: { conclusion: 'failure' } });
      expect('error' in verdict && verdict.error).toContain(why);
    }
    expect(await judge(signed(text))).toMatchObject({ state: 'completed' });
  });

  it('calls results for an assignment no longer in the config an infrastructure error', async () => {
    const verdict = await judge(signed(JSON.stringify(answering)), {
      course: { ...course, assignments: [] },
    });
    expect(verdict).toMatchObject({
      state: 'infra_error',
      error: `assignment ${milestone4.id} is no longer in the course config`,
    });
  });

  it('scores answering results with manual scores and renders one report for the check run and the comment', async () => {
    const verdict = await judge(signed(JSON.stringify(answering)));
    if (verdict.state !== 'completed') throw new Error(verdict.error);
    expect(verdict.score.criteria.find((criterion) => criterion.id === 'code-quality')?.points).toBe(20);
    expect(verdict.score.late.status).toBe('on-time');
    expect(verdict.report.conclusion).toBe('success');
    expect(verdict.comment).toBe(verdict.report.summary);
    // Hidden checks stay out of annotations before the due date.
    expect(verdict.report.annotations).toEqual([
      expect.objectContaining({ path: 'predictions.csv', start_line: 12, annotation_level: 'warning' }),
    ]);
  });

  it('scores a regrade at the commit’s first submission, not at the regrade', async () => {
    const regrade = { ...attempt, trigger: 'regrade', createdAt: new Date('2026-12-10T00:00:00Z') };
    const first = { sha: attempt.sha, createdAt: submittedOnTime };
    const verdict = await judge(signed(JSON.stringify(answering)), {
      attempt: regrade,
      history: history([first]),
    });
    if (verdict.state !== 'completed') throw new Error(verdict.error);
    expect(verdict.score.late.submittedAt).toBe(submittedOnTime.toISOString());
    const alone = await judge(signed(JSON.stringify(answering)), { attempt: regrade });
    if (alone.state !== 'completed') throw new Error(alone.error);
    expect(alone.score.late.status).not.toBe('on-time');
  });
});

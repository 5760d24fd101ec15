/**
 * A criterion whose `pass:` list names a hidden check is hidden with it: its explanation names the
 * failed check and quotes its summary, which must not reach a student before the due date, in the
 * Markdown report or in Gradescope's results.json.
 */
import { describe, expect, it } from 'vitest';
import type { Assignment, CourseConfig } from '../../src/config/schema.js';
import { scoreAssignment } from '../../src/grading/score-assignment.js';
import { gradescopeResults } from '../../src/lms/gradescope-results.js';
import { renderMarkdown } from '../../src/render/render-markdown.js';
import { checkResult, course, hiddenCheck, milestone4, results } from './fixtures.js';

const assignment: Assignment = {
  ...milestone4,
  rubric: [{ id: 'both', title: 'Both checks', points: 10, pass: ['eval', 'hidden-test'] }],
};
const failedHidden = { ...hiddenCheck, status: 'fail' as const };
const graded = results([failedHidden, checkResult()]);
const score = scoreAssignment(assignment, graded.checks);

describe('a pass list that names a hidden check', () => {
  it('is scored as usual: 0 points, the hidden check named', () => {
    expect(score.criteria[0]).toMatchObject({
      points: 0,
      metric: 'eval, hidden-test',
      explanation:
        'Check hidden-test failed: 0 points. Accuracy 0.8312 on 10000 hidden images (SECRET-DETAIL).',
    });
  });

  it('keeps the explanation out of the report until the due date', () => {
    const markdown = renderMarkdown({ course, assignment, results: graded, score });
    expect(markdown).toMatch(
      /\| Both checks \| hidden \| — +\| 0 \/ 10 \| Details hidden until the due date\. \|/,
    );
    expect(markdown).not.toContain('SECRET-DETAIL');
  });

  it("gives the criterion Gradescope's hidden-check visibility", () => {
    const config = {
      course: { id: course.id, title: course.title },
      assignments: [assignment],
    } as CourseConfig;
    const json = gradescopeResults({
      course: config,
      assignment,
      results: graded,
      score,
      executionSeconds: 1,
    });
    expect(json.tests.find((test) => test.name === 'Both checks')?.visibility).toBe('after_due_date');
  });
});

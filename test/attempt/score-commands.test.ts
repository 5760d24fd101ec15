/** `/mlgrade` commands: reading them out of a comment and checking them against the rubric. */
import { describe, expect, it } from 'vitest';
import { hasNewCommands, planScoreCommands } from '../../src/attempt/plan-score-commands.js';
import { resolveScore } from '../../src/attempt/resolve-score.js';
import { mentionsCommand, parseCommands } from '../../src/attempt/score-commands.js';
import type { Assignment } from '../../src/config/schema.js';
import { milestone4 } from '../render/fixtures.js';

const dynamics: Assignment = {
  ...milestone4,
  id: 'tinytorch/milestone-5',
  rubric: [
    { id: 'training-dynamics', title: 'Training dynamics', points: 30, manual: true },
    { id: 'write-up', title: 'Write-up', points: 10, manual: true },
  ],
};

describe('parseCommands', () => {
  it('reads one command per line, with reasons, clear and regrade', () => {
    const body = [
      'Thanks, nice work.',
      '/mlgrade score performance-analysis 20 thorough error analysis',
      '  /mlgrade score code-quality clear',
      '/MLGRADE regrade',
    ].join('\r\n');
    expect(parseCommands(body)).toEqual({
      commands: [
        {
          kind: 'score',
          line: 2,
          text: '/mlgrade score performance-analysis 20 thorough error analysis',
          criterion: 'performance-analysis',
          value: '20',
          reason: 'thorough error analysis',
        },
        {
          kind: 'score',
          line: 3,
          text: '/mlgrade score code-quality clear',
          criterion: 'code-quality',
          value: 'clear',
        },
        { kind: 'regrade', line: 4, text: '/MLGRADE regrade' },
      ],
      errors: [],
    });
  });

  it('ignores commands in fenced and indented code, quotes and inline mentions', () => {
    const body = [
      'Use `/mlgrade score x 1` to score.',
      '```',
      '/mlgrade score code-quality 20',
      '```',
      '~~~md',
      '/mlgrade regrade',
      '~~~',
      '    /mlgrade score code-quality 3',
      '> /mlgrade score code-quality 4',
      'see /mlgrade score later',
    ].join('\n');
    expect(parseCommands(body)).toEqual({ commands: [], errors: [] });
    expect(hasNewCommands(body)).toBe(false);
  });

  it('names malformed and unknown commands with their line', () => {
    const { commands, errors } = parseCommands('/mlgrade\n/mlgrade score code-quality\n/mlgrade grade-all');
    expect(commands).toEqual([]);
    expect(errors.map((error) => [error.line, error.message])).toEqual([
      [1, expect.stringContaining('needs a command')],
      [2, expect.stringContaining('needs a criterion and points')],
      [3, expect.stringContaining('`/mlgrade grade-all` is not a command')],
    ]);
  });

  it('mentionsCommand is a cheap prefilter on line starts', () => {
    expect(mentionsCommand('hi\n/mlgrade score a 1')).toBe(true);
    expect(mentionsCommand('hi /mlgrade score a 1')).toBe(false);
    expect(mentionsCommand(null)).toBe(false);
  });
});

describe('resolveScore', () => {
  it('takes points within 0 and the maximum, a level label, or clear', () => {
    expect(
      resolveScore([milestone4], { criterion: 'code-quality', value: '12.5', reason: 'ok' }),
    ).toMatchObject({
      assignmentId: 'tinytorch/milestone-4',
      criterion: { id: 'code-quality' },
      points: 12.5,
      reason: 'ok',
    });
    // The level table of cifar10-accuracy: Proficient is 22 points.
    expect(resolveScore([milestone4], { criterion: 'cifar10-accuracy', value: 'proficient' })).toMatchObject({
      points: 22,
      level: 'Proficient',
    });
    expect(resolveScore([milestone4], { criterion: 'code-quality', value: 'CLEAR' })).toMatchObject({
      points: null,
    });
  });

  it('refuses unknown criteria with a suggestion, and points out of range or not numbers', () => {
    expect(resolveScore([dynamics], { criterion: 'dynamics', value: '3' })).toEqual({
      error: 'no criterion `dynamics` in tinytorch/milestone-5; did you mean `training-dynamics`?',
    });
    expect(resolveScore([milestone4], { criterion: 'code-qualty', value: '3' })).toEqual({
      error: 'no criterion `code-qualty` in tinytorch/milestone-4; did you mean `code-quality`?',
    });
    expect(resolveScore([milestone4], { criterion: 'code-quality', value: '26' })).toEqual({
      error: '26 is out of range for `code-quality`: give 0 to 25 points.',
    });
    expect(resolveScore([milestone4], { criterion: 'code-quality', value: '-1' })).toEqual({
      error: '-1 is out of range for `code-quality`: give 0 to 25 points.',
    });
    expect(resolveScore([milestone4], { criterion: 'code-quality', value: 'ten' })).toMatchObject({
      error: expect.stringContaining('`ten` is not a number of points for `code-quality` (0 to 25)'),
    });
    expect(resolveScore([milestone4], { criterion: 'cifar10-accuracy', value: 'great' })).toMatchObject({
      error: expect.stringContaining('`exemplary`, `proficient`, `developing`, `beginning`'),
    });
    expect(resolveScore([milestone4], { criterion: 'code-quality', value: 'NaN' })).toHaveProperty('error');
    expect(resolveScore([milestone4], { criterion: 'code-quality', value: 'Infinity' })).toHaveProperty(
      'error',
    );
  });

  it('asks for the assignment when a criterion is in several of the repository', () => {
    const other: Assignment = { ...milestone4, id: 'tinytorch/milestone-4b' };
    expect(resolveScore([milestone4, other], { criterion: 'code-quality', value: '3' })).toEqual({
      error:
        '`code-quality` is a criterion of several assignments; write one of `tinytorch/milestone-4:code-quality`, `tinytorch/milestone-4b:code-quality`.',
    });
    expect(
      resolveScore([milestone4, other], { criterion: 'tinytorch/milestone-4b:code-quality', value: '3' }),
    ).toMatchObject({ assignmentId: 'tinytorch/milestone-4b', points: 3 });
    expect(resolveScore([milestone4, dynamics], { criterion: 'write-up', value: '3' })).toMatchObject({
      assignmentId: 'tinytorch/milestone-5',
    });
  });
});

describe('planScoreCommands', () => {
  it('plans valid lines and lists every problem', () => {
    const plan = planScoreCommands(
      [milestone4],
      '/mlgrade score code-quality 20\n/mlgrade score quality 3\n/mlgrade score performance-analysis 30\n/mlgrade regrade',
    );
    expect(plan.scores.map((score) => [score.line, score.criterion.id, score.points])).toEqual([
      [1, 'code-quality', 20],
    ]);
    expect(plan.regrade).toBe(true);
    expect(plan.problems).toEqual([
      'line 2: no criterion `quality` in tinytorch/milestone-4; did you mean `code-quality`?',
      'line 3: 30 is out of range for `performance-analysis`: give 0 to 25 points.',
    ]);
  });

  it('on an edit, carries out only added or changed commands and notes removed ones', () => {
    const before = '/mlgrade score code-quality 20\n/mlgrade score performance-analysis 10';
    const after = '/mlgrade score code-quality 20\n/mlgrade score performance-analysis 15';
    const plan = planScoreCommands([milestone4], after, before);
    expect(plan.scores.map((score) => [score.criterion.id, score.points])).toEqual([
      ['performance-analysis', 15],
    ]);
    expect(plan.removed).toEqual([]);
    const dropped = planScoreCommands([milestone4], '/mlgrade score code-quality 20', before);
    expect(dropped.scores).toEqual([]);
    expect(dropped.removed).toEqual(['/mlgrade score performance-analysis 10']);
    expect(hasNewCommands(before, before)).toBe(false);
    expect(hasNewCommands(after, before)).toBe(true);
  });
});

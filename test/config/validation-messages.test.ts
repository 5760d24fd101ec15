import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/checks/common-spec.js';
import type { CheckDefinition } from '../../src/checks/types.js';
import { loadConfig } from '../../src/config/load-config.js';

/** A test-only kind (never registered) with a union option and wildcard metrics. */
const scores: CheckDefinition = {
  kind: 'scores',
  description: 'Test kind.',
  spec: checkSpec('scores', 'Test kind.', {
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    mode: Type.Optional(Type.Union([Type.Literal('fast'), Type.Literal('slow')])),
    paths: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String({ minLength: 1 }))])),
  }),
  metrics: ['accuracy', 'macro_f1', 'tier.*.f1'],
  run: async () => ({ status: 'pass', summary: '' }),
};
const checks = new Map([['scores', scores]]);

const HEAD = 'course: {id: c, title: C}\nassignments:\n  - id: a1\n    title: A1\n';
const CHECK = '    checks:\n      - {id: s, kind: scores}\n';

/** Validates YAML text held in memory, as file `mem.yml`; returns `line  path  message` lines. */
async function problemsOf(text: string): Promise<string[]> {
  const result = await loadConfig('mem.yml', { checks, reader: async () => Buffer.from(text) });
  return result.problems.map(
    (p) => `${p.line}  ${p.path}  ${p.level === 'warning' ? 'warning: ' : ''}${p.message}`,
  );
}

const rubric = (...lines: string[]) =>
  `${HEAD}${CHECK}    rubric:\n${lines.map((l) => `      - ${l}\n`).join('')}`;
const manual = '{id: m, title: M, points: 1, manual: true}';

describe('schema messages', () => {
  it('lists allowed values for a literal union, with a suggestion', async () => {
    const text = `${HEAD}    checks:\n      - {id: s, kind: scores, mode: fats}\n    rubric:\n      - ${manual}\n`;
    expect(await problemsOf(text)).toContain(
      '6  assignments[0].checks[0].mode  "fats" is not allowed here — did you mean "fast"? (allowed: fast, slow)',
    );
  });

  it('says expected vs got for a union of types, and follows the branch that fits', async () => {
    const wrongType = `${HEAD}    checks:\n      - {id: s, kind: scores, paths: 3}\n    rubric:\n      - ${manual}\n`;
    expect(await problemsOf(wrongType)).toContain(
      '6  assignments[0].checks[0].paths  expected text or a list, got 3',
    );
    const badItem = `${HEAD}    checks:\n      - {id: s, kind: scores, paths: [a, ""]}\n    rubric:\n      - ${manual}\n`;
    expect(await problemsOf(badItem)).toContain('6  assignments[0].checks[0].paths[1]  must not be empty');
  });

  it('explains ranges, required keys and id patterns in words', async () => {
    const text = `course: {id: C, title: C}\nassignments:\n  - id: a1\n    checks:\n      - {id: s, kind: scores, threshold: 2}\n    rubric:\n      - ${manual}\n`;
    expect(await problemsOf(text)).toEqual([
      '1  course.id  "C" is not an id of lowercase letters, digits, - and _, starting with a letter or digit',
      '3  assignments[0]  missing required key "title" (Shown in reports)',
      '5  assignments[0].checks[0].threshold  must be at most 1, got 2',
      '7  assignments[0].rubric  warning: every criterion is manual: no points are awarded until an instructor scores them',
    ]);
  });

  it('reports a missing id once although two schemas require it', async () => {
    const text = `${HEAD}    checks:\n      - {kind: scores}\n    rubric:\n      - ${manual}\n`;
    expect((await problemsOf(text)).filter((p) => p.includes('"id"'))).toHaveLength(1);
  });

  it('reports unknown keys at the key, with the allowed keys', async () => {
    const text = `${HEAD}    epochs: 3\n${CHECK}    rubric:\n      - ${manual}\n`;
    expect((await problemsOf(text))[0]).toMatch(
      /^5 {2}assignments\[0\]\.epochs {2}unknown key "epochs" \(allowed: id, title, repository, due, timezone, weight, late, attempts, branches, checks, rubric, lms\)$/,
    );
  });
});

describe('semantic rules', () => {
  it('needs exactly one scoring mode per criterion', async () => {
    expect(
      await problemsOf(
        rubric('{id: x, title: X, points: 1}', '{id: y, title: Y, points: 1, pass: s, manual: true}'),
      ),
    ).toEqual([
      '8  assignments[0].rubric[0]  criterion "x" needs exactly one of levels, scale, pass or manual; it has none',
      '9  assignments[0].rubric[1]  criterion "y" needs exactly one of levels, scale, pass or manual; it has pass and manual',
    ]);
  });

  it('checks metric references against the check and its declared metrics, wildcards included', async () => {
    const levels = 'levels: [{min: 0.5, points: 1, label: OK}]';
    expect(
      await problemsOf(
        rubric(
          `{id: a, title: A, points: 1, metric: s.tier.rare.f1, ${levels}}`,
          `{id: b, title: B, points: 1, metric: s.acuracy, ${levels}}`,
          `{id: c, title: C, points: 1, ${levels}}`,
          `{id: d, title: D, points: 1, pass: t}`,
          `{id: e, title: E, points: 1, metric: s.tier.rare.f11, ${levels}}`,
        ),
      ),
    ).toEqual([
      '9  assignments[0].rubric[1].metric  check "s" (scores) reports no metric "acuracy" — did you mean "accuracy"? (it reports: accuracy, macro_f1, tier.*.f1)',
      '10  assignments[0].rubric[2]  criterion "c" is scored by levels, so it needs `metric: <check id>.<metric name>`',
      '11  assignments[0].rubric[3].pass  no check with id "t" in this assignment (checks in this assignment: s)',
      '12  assignments[0].rubric[4].metric  check "s" (scores) reports no metric "tier.rare.f11" — did you mean "tier.rare.f1"? (it reports: accuracy, macro_f1, tier.*.f1)',
    ]);
  });

  it('wants levels highest first (a warning), distinct, and within the criterion points', async () => {
    const text = rubric(
      '{id: a, title: A, points: 5, metric: s.accuracy, levels: [{min: 0.5, points: 2, label: B}, {min: 0.8, points: 6, label: A}, {min: 0.8, points: 1, label: C}]}',
    );
    expect(await problemsOf(text)).toEqual([
      '8  assignments[0].rubric[0].levels[1].min  warning: list levels highest `min` first (as they are read); 0.8 comes after 0.5',
      "8  assignments[0].rubric[0].levels[1].points  level points 6 exceed the criterion's 5 points",
      '8  assignments[0].rubric[0].levels[2].min  two levels share min 0.8; which one applies is ambiguous',
    ]);
  });

  it('rejects duplicate ids at every level, naming the first', async () => {
    const text = `course: {id: c, title: C}\nassignments:\n  - id: a1\n    title: A1\n    checks: [{id: s, kind: scores}, {id: s, kind: scores}]\n    rubric: [{id: m, title: M, points: 1, pass: s}, {id: m, title: M, points: 1, pass: s}]\n  - {id: a1, title: A, checks: [{id: s, kind: scores}], rubric: [{id: m, title: M, points: 1, pass: s}]}\n`;
    expect(await problemsOf(text)).toEqual([
      '5  assignments[0].checks[1].id  duplicate check id "s" (first defined at mem.yml:5)',
      '6  assignments[0].rubric[1].id  duplicate criterion id "m" (first defined at mem.yml:6)',
      '7  assignments[1].id  duplicate assignment id "a1" (first defined at mem.yml:3)',
    ]);
  });

  it('rejects impossible dates and unknown time zones', async () => {
    const text = `course: {id: c, title: C, timezone: Mars/Olympus}\nassignments:\n  - id: a1\n    title: A1\n    due: 2026-02-29T23:59\n    timezone: Etc/UTC\n${CHECK}    rubric:\n      - {id: p, title: P, points: 1, pass: s}\n`;
    expect(await problemsOf(text)).toEqual([
      '1  course.timezone  unknown time zone "Mars/Olympus" (use an IANA name such as "Europe/Vienna", "America/New_York" or "UTC")',
      '5  assignments[0].due  "2026-02-29T23:59" is not a real date and time',
    ]);
  });
});

describe('pass lists and checks that feed no criterion', () => {
  const twoChecks = '    checks:\n      - {id: s, kind: scores}\n      - {id: t, kind: scores}\n';

  it('checks every id of a pass list, with a suggestion, at its place in the list', async () => {
    const text = `${HEAD}${twoChecks}    rubric:\n      - {id: p, title: P, points: 1, pass: [s, tt]}\n`;
    expect(await problemsOf(text)).toEqual([
      // The typo also leaves check t read by no criterion.
      '7  assignments[0].checks[1].id  warning: check "t" feeds no criterion: its result is shown but scores no points; add a criterion with `pass: t` or `metric: t.<metric>`, or remove the check',
      '9  assignments[0].rubric[0].pass[1]  no check with id "tt" in this assignment — did you mean "t"? (checks in this assignment: s, t)',
    ]);
  });

  it('accepts a pass list that reads every check', async () => {
    const text = `${HEAD}${twoChecks}    rubric:\n      - {id: p, title: P, points: 1, pass: [s, t]}\n`;
    expect(await problemsOf(text)).toEqual([]);
  });

  it('warns on a check that no criterion reads, at its id', async () => {
    const text = `${HEAD}${twoChecks}    rubric:\n      - {id: p, title: P, points: 1, metric: s.accuracy, scale: {zero_at: 0, full_at: 1}}\n`;
    expect(await problemsOf(text)).toEqual([
      '7  assignments[0].checks[1].id  warning: check "t" feeds no criterion: its result is shown but scores no points; add a criterion with `pass: t` or `metric: t.<metric>`, or remove the check',
    ]);
  });

  it('refuses an empty or repeated pass list', async () => {
    const empty = `${HEAD}${twoChecks}    rubric:\n      - {id: p, title: P, points: 1, pass: []}\n`;
    expect((await problemsOf(empty)).join('\n')).toMatch(/^9 {2}assignments\[0\]\.rubric\[0\]\.pass {2}/m);
    const repeated = `${HEAD}${twoChecks}    rubric:\n      - {id: p, title: P, points: 1, pass: [s, s]}\n`;
    expect((await problemsOf(repeated)).join('\n')).toMatch(/^9 {2}assignments\[0\]\.rubric\[0\]\.pass/m);
  });
});

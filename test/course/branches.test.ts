import { describe, expect, it } from 'vitest';
import type { Assignment, CourseConfig } from '../../src/config/schema.js';
import { branchCounts, branchNotCounted, submissionBranches } from '../../src/course/match-submission.js';

const heads = (branch: string) => `refs/heads/${branch}`;

describe('branchCounts', () => {
  it('counts only the default branch when the config names none', () => {
    expect(branchCounts(undefined, heads('main'), 'main')).toBe(true);
    expect(branchCounts(undefined, heads('feature'), 'main')).toBe(false);
    // The repository's default branch, whatever it is called, not a fixed "main".
    expect(branchCounts(undefined, heads('master'), 'master')).toBe(true);
    expect(branchCounts(undefined, heads('main'), 'master')).toBe(false);
    // The whole name: a branch that merely starts or ends like the default is another branch.
    expect(branchCounts(undefined, heads('main-old'), 'main')).toBe(false);
    expect(branchCounts(undefined, heads('old/main'), 'main')).toBe(false);
  });

  it('never counts tags or other refs, whatever the patterns', () => {
    expect(branchCounts(undefined, 'refs/tags/main', 'main')).toBe(false);
    expect(branchCounts(['**'], 'refs/tags/v1', 'main')).toBe(false);
    expect(branchCounts(['**'], 'refs/pull/3/head', 'main')).toBe(false);
    // A bare name is not a ref: the handlers always pass `refs/heads/…`.
    expect(branchCounts(['main'], 'main', 'main')).toBe(false);
  });

  it('matches globs over the branch name: * within a segment, ** across segments', () => {
    const submit = ['submit/*'];
    expect(branchCounts(submit, heads('submit/final'), 'main')).toBe(true);
    expect(branchCounts(submit, heads('submit/a/b'), 'main')).toBe(false);
    expect(branchCounts(submit, heads('submitted'), 'main')).toBe(false);
    // Naming branches replaces the default: main counts only when listed.
    expect(branchCounts(submit, heads('main'), 'main')).toBe(false);
    expect(branchCounts(['main', 'submit/*'], heads('main'), 'main')).toBe(true);
    expect(branchCounts(['submit/**'], heads('submit/a/b'), 'main')).toBe(true);
    expect(branchCounts(['{main,dev}'], heads('dev'), 'main')).toBe(true);
    expect(branchCounts(['v?'], heads('v2'), 'main')).toBe(true);
    expect(branchCounts(['v?'], heads('v10'), 'main')).toBe(false);
  });

  it('lets the last matching pattern decide, with ! excluding', () => {
    const allButWip = ['**', '!wip/**'];
    expect(branchCounts(allButWip, heads('feature/x'), 'main')).toBe(true);
    expect(branchCounts(allButWip, heads('main'), 'main')).toBe(true);
    expect(branchCounts(allButWip, heads('wip/x'), 'main')).toBe(false);
    // Reversed, the inclusion comes last and wins.
    expect(branchCounts(['!wip/**', '**'], heads('wip/x'), 'main')).toBe(true);
    expect(branchCounts(['main', '!main'], heads('main'), 'main')).toBe(false);
    // An exclusion that does not match leaves the earlier decision.
    expect(branchCounts(['main', '!wip/**'], heads('main'), 'main')).toBe(true);
  });

  it('is case-sensitive, as git branch names are', () => {
    expect(branchCounts(undefined, heads('Main'), 'main')).toBe(false);
    expect(branchCounts(['main'], heads('MAIN'), 'main')).toBe(false);
    expect(branchCounts(['Submit/*'], heads('submit/final'), 'main')).toBe(false);
    expect(branchCounts(['Submit/*'], heads('Submit/final'), 'main')).toBe(true);
  });
});

/** A config with the course's `branches` and one assignment with its own (each optional). */
function configWith(course?: string[], assignment?: string[]) {
  const a1 = {
    id: 'a1',
    title: 'A1',
    checks: [],
    rubric: [],
    ...(assignment ? { branches: assignment } : {}),
  };
  const config = {
    course: { id: 'c', title: 'C', ...(course ? { branches: course } : {}) },
    assignments: [a1],
  } as unknown as CourseConfig;
  return { config, assignment: a1 as unknown as Assignment };
}

describe('submissionBranches', () => {
  it("takes the assignment's list, else the course's, else none (the default branch)", () => {
    const both = configWith(['submit/*'], ['final']);
    expect(submissionBranches(both.config, both.assignment)).toEqual(['final']);
    const course = configWith(['submit/*']);
    expect(submissionBranches(course.config, course.assignment)).toEqual(['submit/*']);
    const neither = configWith();
    expect(submissionBranches(neither.config, neither.assignment)).toBeUndefined();
  });
});

describe('branchNotCounted', () => {
  it('is undefined for a counted branch, and when the branch is unknown (regrades)', () => {
    const { config, assignment } = configWith();
    expect(
      branchNotCounted(config, assignment, { ref: heads('main'), defaultBranch: 'main' }),
    ).toBeUndefined();
    expect(branchNotCounted(config, assignment, undefined)).toBeUndefined();
  });

  it('says which branches count and where to change that', () => {
    const none = configWith();
    expect(
      branchNotCounted(none.config, none.assignment, { ref: heads('feature'), defaultBranch: 'main' }),
    ).toBe(
      'branch "feature" is not a submission branch: only the default branch "main" counts; an instructor can change that with `course.branches` in the course config (docs/config.md)',
    );
    const own = configWith(['submit/*'], ['final', '!wip']);
    expect(branchNotCounted(own.config, own.assignment, { ref: heads('main'), defaultBranch: 'main' })).toBe(
      'branch "main" is not a submission branch: the branches matching "final", "!wip" count; an instructor can change that with `branches` of assignment a1 in the course config (docs/config.md)',
    );
    const tag = configWith(['**']);
    expect(
      branchNotCounted(tag.config, tag.assignment, { ref: 'refs/tags/v1', defaultBranch: 'main' }),
    ).toMatch(/^"refs\/tags\/v1" \(not a branch\) is not a submission branch/);
  });
});

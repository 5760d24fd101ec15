import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

const ASSIGNMENT =
  '  - id: a1\n    title: A1\n    checks: [{id: f, kind: files, required: [README.md]}]\n    rubric: [{id: r, title: R, points: 1, pass: f}]\n';

/** Validates a config whose course block ends with `course` and whose one assignment starts with `assignment`. */
async function problemsOf(course: string, assignment = ''): Promise<string[]> {
  const text = `course:\n  id: c\n  title: C\n${course}assignments:\n${ASSIGNMENT}${assignment}`;
  const result = await loadConfig('mem.yml', { reader: async () => Buffer.from(text) });
  return result.problems.map((p) => `${p.line}  ${p.path}  ${p.message}`);
}

describe('branches in the course config', () => {
  it('accepts names, globs and exclusions, course-wide and per assignment', async () => {
    expect(
      await problemsOf(
        '  branches: [main, "submit/**", "!submit/wip"]\n',
        '    branches: ["{main,final}"]\n',
      ),
    ).toEqual([]);
  });

  it('rejects an empty list: it would grade nothing', async () => {
    expect(await problemsOf('  branches: []\n')).toEqual([
      '4  course.branches  an empty list counts no branch, so no push would be graded: name the branches that count (e.g. [main]), or remove `branches` to count the default branch',
    ]);
  });

  it('rejects globs that do not compile, refs, and an empty exclusion, each at its place', async () => {
    const branches = '    branches: [main, "release/[0-9", "refs/heads/dev", "refs/tags/v*", "!"]\n';
    expect(await problemsOf('', branches)).toEqual([
      '9  assignments[0].branches[1]  "release/[0-9" is not a valid branch pattern: Missing closing: "]" - use "\\\\]" to match literal characters',
      '9  assignments[0].branches[2]  "refs/heads/dev": write the branch name without "refs/heads/" ("dev")',
      '9  assignments[0].branches[3]  "refs/tags/v*": only branches count (tags never); name them without "refs/heads/"',
      '9  assignments[0].branches[4]  "!" alone names no branch: write the branch to exclude after it, e.g. "!wip/**"',
    ]);
  });

  it('rejects a list of exclusions only: no branch would count', async () => {
    expect(await problemsOf('  branches: ["!wip/**"]\n')).toEqual([
      '4  course.branches  every pattern starts with "!" (excludes), so no branch counts: list the branches that count first, e.g. [main, "!wip/**"]',
    ]);
  });

  it('reports a single name instead of a list, and an empty name, through the schema', async () => {
    const problems = await problemsOf('  branches: main\n', '    branches: [""]\n');
    expect(problems).toEqual([
      '4  course.branches  expected a list, got "main"',
      '10  assignments[0].branches[0]  must not be empty',
    ]);
  });
});

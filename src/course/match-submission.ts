/**
 * Which assignments a student repository belongs to, whose it is, and which of its branches count.
 * Repositories map to assignments by the `repository:` name pattern; students are identified by
 * numeric GitHub id (the pusher's, when the pusher is the student the name says; else the optional
 * roster), never by login alone, since logins can be renamed and reused. Only commits to the branches
 * the config names (`branches`; default the repository's default branch) are submissions.
 */

import picomatch from 'picomatch';
import { matchRepository } from '../config/match-repository.js';
import type { Assignment, CourseConfig } from '../config/schema.js';
import { BRANCH_GLOB } from '../config/validate-semantics.js';

/** One assignment a repository matched, with the login its name carries (`''` without `{login}`). */
export interface SubmissionMatch {
  assignment: Assignment;
  login: string;
}

/** Every assignment whose `repository:` pattern matches the repository name. */
export function matchAssignments(config: CourseConfig, repositoryName: string): SubmissionMatch[] {
  const matches: SubmissionMatch[] = [];
  for (const assignment of config.assignments) {
    if (assignment.repository === undefined) continue;
    const login = matchRepository(assignment.repository, repositoryName);
    if (login !== undefined) matches.push({ assignment, login });
  }
  return matches;
}

/** A GitHub account as webhook payloads carry it. */
export interface Account {
  id: number;
  login: string;
}

/** Roster entries: login as in the repository name → numeric GitHub id. */
export type Roster = ReadonlyMap<string, number>;

/**
 * The student's numeric id and login: the sender's when the sender is the login in the repository
 * name, else the roster's entry for that login, else unknown (id null; the login is kept for people).
 */
export function identifyStudent(
  login: string,
  sender: Account | undefined,
  roster?: Roster,
): { studentId: number | null; studentLogin: string | null } {
  if (login === '') return { studentId: null, studentLogin: null };
  if (sender && sender.login.toLowerCase() === login.toLowerCase())
    return { studentId: sender.id, studentLogin: sender.login };
  const fromRoster = roster?.get(login.toLowerCase());
  return { studentId: fromRoster ?? null, studentLogin: login };
}

/** A webhook's sender as far as telling people from automation goes. */
export interface Sender {
  login: string;
  type?: string;
}

/**
 * Why a push or pull request is not a student's submission, or undefined when it is: one by a bot
 * (Dependabot, github-actions, any app: type `Bot`, login `…[bot]`) or with no sender at all (some
 * pushes GitHub makes itself). Those are not graded, so they never spend a student's attempts.
 */
export function notStudentWork(sender: Sender | null | undefined): string | undefined {
  if (!sender) return 'it has no sender (GitHub made it)';
  if (sender.type === 'Bot' || /\[bot\]$/i.test(sender.login))
    return `it was made by the bot ${sender.login}`;
  return undefined;
}

/** Where a commit was submitted, as the handlers read it from the event. */
export interface SubmittedBranch {
  /** The full ref: a push's `ref`, or `refs/heads/<base>` for a pull request. Other refs never count. */
  ref: string;
  /** The repository's default branch (`main`): the one that counts when the config names none. */
  defaultBranch: string;
}

/** The `branches` patterns for `assignment`: its own, else the course's; undefined means the default branch only. */
export function submissionBranches(
  config: CourseConfig,
  assignment: Assignment,
): readonly string[] | undefined {
  return assignment.branches ?? config.course.branches;
}

/**
 * Whether a commit to `ref` is a submission under the `branches` patterns: without patterns, only a
 * commit to `defaultBranch` is. Patterns are globs over the branch name (`refs/heads/` stripped):
 * `*` stays within one `/` segment, `**` crosses them; a leading `!` excludes, and the last pattern
 * that matches decides, as in a workflow's `on.push.branches` (`[**, "!wip/**"]`: every branch but
 * those under `wip/`). Names are case-sensitive, as git's are. Tags and any other non-branch ref
 * never count. Patterns are assumed valid (`mlgrade validate` rejects the others).
 */
export function branchCounts(
  patterns: readonly string[] | undefined,
  ref: string,
  defaultBranch: string,
): boolean {
  if (!ref.startsWith('refs/heads/')) return false;
  const branch = ref.slice('refs/heads/'.length);
  if (patterns === undefined) return branch === defaultBranch;
  let counts = false;
  for (const pattern of patterns) {
    const excludes = pattern.startsWith('!');
    if (picomatch(excludes ? pattern.slice(1) : pattern, BRANCH_GLOB)(branch)) counts = !excludes;
  }
  return counts;
}

/**
 * Why a commit to `submitted` is not a submission to `assignment`, saying which branches count and
 * where to change that; undefined when it is one, or when the branch is not known (regrades and
 * retries, which grade a commit that already counted).
 */
export function branchNotCounted(
  config: CourseConfig,
  assignment: Assignment,
  submitted: SubmittedBranch | undefined,
): string | undefined {
  if (!submitted) return undefined;
  const patterns = submissionBranches(config, assignment);
  if (branchCounts(patterns, submitted.ref, submitted.defaultBranch)) return undefined;
  const name = submitted.ref.startsWith('refs/heads/')
    ? `branch "${submitted.ref.slice('refs/heads/'.length)}"`
    : `"${submitted.ref}" (not a branch)`;
  const counted = patterns
    ? `the branches matching ${patterns.map((pattern) => `"${pattern}"`).join(', ')} count`
    : `only the default branch "${submitted.defaultBranch}" counts`;
  const field = assignment.branches ? `\`branches\` of assignment ${assignment.id}` : '`course.branches`';
  return `${name} is not a submission branch: ${counted}; an instructor can change that with ${field} in the course config (docs/config.md)`;
}

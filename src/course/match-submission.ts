/**
 * Which assignments a student repository belongs to, and whose it is. Repositories map to
 * assignments by the `repository:` name pattern; students are identified by numeric GitHub id (the
 * pusher's, when the pusher is the student the name says; else the optional roster), never by login
 * alone, since logins can be renamed and reused.
 */

import { matchRepository } from '../config/match-repository.js';
import type { Assignment, CourseConfig } from '../config/schema.js';

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

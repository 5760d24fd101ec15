/**
 * The course roster from the config repository (default branch; format in docs/lms.md#roster): the
 * file `MLGRADE_ROSTER_FILE` names, else the config's `course.roster`, else `.github/mlgrade-roster.csv`,
 * else the legacy `.github/mlgrade-roster.yml` (`login: numeric GitHub id`, still read, with a warning
 * saying how to move on).
 *
 * Pushes read it only when the pusher is not the student the repository name says (an instructor
 * pushed, or the student renamed their account), so the usual push costs no request for it; syncs read
 * it for the Canvas and Gradescope ids.
 */
import { type GitHub, statusOf } from '../github/github-client.js';
import { formatRosterProblem, hasRosterErrors, parseRoster } from '../lms/roster.js';
import type { RosterProblem, StudentRoster } from '../lms/roster-types.js';
import type { Roster } from './match-submission.js';

/** Where the roster is looked for when neither the environment nor the config names it, in order. */
export const DEFAULT_ROSTER_FILES: readonly string[] = [
  '.github/mlgrade-roster.csv',
  '.github/mlgrade-roster.yml',
];

/** Which files to try, in order: `MLGRADE_ROSTER_FILE`, else the configured path, else the defaults. */
export function rosterFiles(env: NodeJS.ProcessEnv = process.env, configured?: string): readonly string[] {
  if (env.MLGRADE_ROSTER_FILE) return [env.MLGRADE_ROSTER_FILE];
  if (configured) return [configured];
  return DEFAULT_ROSTER_FILES;
}

/** A roster with errors; the message lists them as `file:line  message`, the problems carry all of them. */
export class RosterError extends Error {
  constructor(
    readonly where: string,
    readonly problems: readonly RosterProblem[],
  ) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    const shown = errors.slice(0, 10).map(formatRosterProblem);
    const more = errors.length > shown.length ? [`… and ${errors.length - shown.length} more`] : [];
    const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
    super(
      [`invalid roster ${where} (${count}; check it with mlgrade validate):`, ...shown, ...more].join('\n'),
    );
    this.name = 'RosterError';
  }
}

/** A roster as read: the students and the warnings about the file (errors are thrown). */
export interface RosterRead {
  roster: StudentRoster;
  warnings: RosterProblem[];
}

/**
 * The roster in `owner/repo`: the first of `files` that exists. None → an empty roster, except that a
 * roster the config names (`configured`) must exist. Throws a {@link RosterError} when it has errors.
 */
export async function readStudentRoster(
  github: GitHub,
  owner: string,
  repo: string,
  files: readonly string[],
  configured?: string,
): Promise<RosterRead> {
  for (const file of files) {
    const text = await readText(github, owner, repo, file);
    if (text === undefined) {
      if (configured !== undefined && file === configured)
        throw new Error(
          `course.roster names ${file}, which is not in ${owner}/${repo} (default branch); add it or fix course.roster`,
        );
      continue;
    }
    const { roster, problems } = parseRoster(text, file);
    if (hasRosterErrors(problems)) throw new RosterError(`${owner}/${repo}/${file}`, problems);
    return { roster, warnings: problems };
  }
  return {
    roster: { file: files[0] ?? DEFAULT_ROSTER_FILES[0]!, entries: [], byLogin: new Map() },
    warnings: [],
  };
}

/** The login → numeric GitHub id map that identifying a student needs (rows without an id are left out). */
export function githubIds(roster: StudentRoster): Roster {
  const ids = new Map<string, number>();
  for (const [login, entry] of roster.byLogin)
    if (entry.githubId !== undefined) ids.set(login, entry.githubId);
  return ids;
}

/** The login → GitHub id roster of `owner/repo`, empty when there is none; throws when it has errors. */
export async function readRoster(
  github: GitHub,
  owner: string,
  repo: string,
  files: string | readonly string[],
): Promise<Roster> {
  const { roster } = await readStudentRoster(
    github,
    owner,
    repo,
    typeof files === 'string' ? [files] : files,
  );
  return githubIds(roster);
}

/** The file's text, or undefined when it does not exist. */
async function readText(
  github: GitHub,
  owner: string,
  repo: string,
  file: string,
): Promise<string | undefined> {
  try {
    const { data } = await github.rest.repos.getContent({
      owner,
      repo,
      path: file,
      mediaType: { format: 'raw' },
    });
    return data instanceof ArrayBuffer ? new TextDecoder().decode(data) : String(data);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

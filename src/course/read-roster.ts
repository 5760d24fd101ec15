/**
 * The optional roster: `.github/mlgrade-roster.yml` in the config repository (default branch), a map
 * from the login used in repository names to the student's numeric GitHub id:
 *
 *     alice: 583231
 *     bob: 4412907
 *
 * It is read only when the pusher is not the student the repository name says (an instructor pushed,
 * or the student renamed their account), so the usual push costs no request for it.
 */
import { parse } from 'yaml';
import { type GitHub, statusOf } from '../github/github-client.js';
import type { Roster } from './match-submission.js';

/** Path of the roster in the config repository; `MLGRADE_ROSTER_FILE` overrides it. */
export function rosterFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.MLGRADE_ROSTER_FILE || '.github/mlgrade-roster.yml';
}

/** The roster, empty when the file does not exist; throws with the file name when it is malformed. */
export async function readRoster(github: GitHub, owner: string, repo: string, file: string): Promise<Roster> {
  let text: string;
  try {
    const { data } = await github.rest.repos.getContent({
      owner,
      repo,
      path: file,
      mediaType: { format: 'raw' },
    });
    text = data instanceof ArrayBuffer ? new TextDecoder().decode(data) : String(data);
  } catch (error) {
    if (statusOf(error) === 404) return new Map();
    throw error;
  }
  const value = parse(text) as unknown;
  if (value === null || value === undefined) return new Map();
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${owner}/${repo}/${file}: expected a map of login: numeric GitHub id`);
  const roster = new Map<string, number>();
  for (const [login, id] of Object.entries(value)) {
    if (!Number.isSafeInteger(id) || (id as number) <= 0)
      throw new Error(
        `${owner}/${repo}/${file}: "${login}" must map to a numeric GitHub id, not ${JSON.stringify(id)}`,
      );
    roster.set(login.toLowerCase(), id as number);
  }
  return roster;
}

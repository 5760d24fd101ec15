/**
 * Instructors are the users with write access to the course's config repository (DESIGN, security
 * model). Student repositories give their student write access too, so that repository's
 * permission never counts: only the config repository's.
 */
import type { GitHub } from '../github/github-client.js';
import { courseLocation } from './config-repository.js';

const INSTRUCTOR_PERMISSIONS = new Set(['admin', 'maintain', 'write']);

/** True when `login` may write to the config repository of `owner`'s course; false on 404 (no access). */
export async function isInstructor(
  github: GitHub,
  owner: string,
  login: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const { repository } = courseLocation(owner, env);
  try {
    const { data } = await github.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo: repository,
      username: login,
    });
    return INSTRUCTOR_PERMISSIONS.has(data.permission);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

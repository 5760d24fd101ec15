/**
 * Reads the course config from the course's config repository through the API: by default
 * `<owner>/.github`, file `.github/mlgrade.yml`, always the default branch. The student repository is
 * never read for configuration (DESIGN.md, "Security model").
 */
import path from 'node:path';
import { type ConfigProblem, type LoadedConfig, loadConfig } from '../config/load-config.js';
import { ConfigReadError, type ConfigReader } from '../config/read-config-file.js';
import { type GitHub, statusOf } from '../github/github-client.js';

/** Where a course's config lives. */
export interface CourseLocation {
  owner: string;
  /** The config repository's name (default `.github`). */
  repository: string;
  /** Path of the config file inside it (default `.github/mlgrade.yml`). */
  file: string;
}

/** The default location for an owner; `MLGRADE_CONFIG_REPOSITORY` and `MLGRADE_CONFIG_FILE` override it. */
export function courseLocation(owner: string, env: NodeJS.ProcessEnv = process.env): CourseLocation {
  return {
    owner,
    repository: env.MLGRADE_CONFIG_REPOSITORY || '.github',
    file: env.MLGRADE_CONFIG_FILE || '.github/mlgrade.yml',
  };
}

/** A virtual root, so that problems show repository paths (`.github/mlgrade.yml:12:3`). */
const ROOT = path.resolve('/mlgrade-config-repository');

/** A loaded course config; `absent` when the owner has no config file at all (no course there). */
export type CourseConfigLoad = LoadedConfig & { absent: boolean };

/**
 * Loads and validates the course config (and what it `_extends`) from the config repository. A
 * config file that is not there (404: no config repository, or no file in it) makes the owner one
 * without a course: `absent`, so that pushes there are ignored rather than failed. A read GitHub
 * failed to answer is thrown (the caller tries again later), never reported as a config problem.
 */
export async function loadCourseConfig(github: GitHub, location: CourseLocation): Promise<CourseConfigLoad> {
  let absent = false;
  // GitHub failing to answer (5xx, a lost connection, a rate limit past the retries) says nothing
  // about the config: thrown, not reported as a config problem on the student's commit.
  let transient: unknown;
  const reader: ConfigReader = async (absolute) => {
    const file = path.relative(ROOT, absolute).split(path.sep).join('/');
    if (file.startsWith('..')) throw new ConfigReadError('it is outside the config repository');
    try {
      return await readRepositoryFile(github, location, file);
    } catch (error) {
      if (file === location.file && statusOf((error as Error).cause) === 404) absent = true;
      if (!(error instanceof ConfigReadError)) transient ??= error;
      throw error;
    }
  };
  const loaded = await loadConfig(path.join(ROOT, location.file), { reader, displayRoot: ROOT });
  if (transient !== undefined) throw transient;
  return { ...loaded, absent: absent && !loaded.config };
}

async function readRepositoryFile(github: GitHub, location: CourseLocation, file: string) {
  try {
    // No ref: the default branch only, so a pushed branch cannot change a course's rules.
    const response = await github.rest.repos.getContent({
      owner: location.owner,
      repo: location.repository,
      path: file,
      mediaType: { format: 'raw' },
    });
    const data = response.data as unknown;
    if (typeof data === 'string') return new TextEncoder().encode(data);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    throw new ConfigReadError('it is a directory, not a file');
  } catch (error) {
    if (error instanceof ConfigReadError) throw error;
    const where = `${location.owner}/${location.repository}`;
    if (statusOf(error) === 404)
      throw new ConfigReadError(
        `file not found in ${where} (default branch); create it there, or install the mlgrade app on ${where}`,
        { cause: error },
      );
    if (statusOf(error) === 403)
      throw new ConfigReadError(`the app may not read ${where}; grant it "Contents: read"`, { cause: error });
    throw error;
  }
}

/** A problem as one Markdown list line: `file:line:column` `path` message. */
export function problemLine(problem: ConfigProblem): string {
  const where = `\`${problem.file}:${problem.line}:${problem.column}\``;
  const field = problem.path ? ` \`${problem.path}\`` : '';
  const level = problem.level === 'warning' ? ' (warning)' : '';
  return `- ${where}${field}${level}: ${problem.message}`;
}

/** The course config a terminal command works from, with its problems printed the one way. */
import { formatProblem, loadConfig } from '../config/load-config.js';
import type { CourseConfig } from '../config/schema.js';
import type { CliIO } from './cli-io.js';

/**
 * Loads `file`, printing every problem (warnings too) as `file:line:column  path  message`; when the
 * config is invalid, says that `nothingDone` (e.g. "nothing was sent") and returns undefined.
 */
export async function loadCourseOrExplain(
  file: string,
  io: Pick<CliIO, 'stderr'>,
  command: string,
  nothingDone: string,
): Promise<CourseConfig | undefined> {
  const loaded = await loadConfig(file);
  for (const problem of loaded.problems) io.stderr(`${formatProblem(problem)}\n`);
  if (loaded.config) return loaded.config;
  io.stderr(
    `${command}: ${file} is not a valid course config; ${nothingDone}. Run \`mlgrade validate ${file}\` while fixing it.\n`,
  );
  return undefined;
}

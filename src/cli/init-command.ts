/**
 * `mlgrade init [DIR]`: writes a course scaffold (src/init) and prints what it wrote and the exact
 * commands to run next, with DIR's paths as the user typed them.
 */
import path from 'node:path';
import { InitError, scaffoldFiles } from '../init/scaffold-course.js';
import { checkTarget, type WrittenFile, writeScaffold } from '../init/write-scaffold.js';
import { mlgradeVersion } from '../package-root.js';
import type { CliIO } from './cli-io.js';
import { INIT_USAGE } from './init-usage.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';

/** Runs `mlgrade init` with `argv` (the arguments after `init`); resolves to the exit code. */
export async function initCommand(argv: string[], io: Pick<CliIO, 'stdout' | 'stderr'>): Promise<number> {
  let parsed: ReturnType<typeof parseInitArgs>;
  try {
    parsed = parseInitArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`mlgrade init: ${error.message}\n\n${INIT_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout(INIT_USAGE);
    return 0;
  }
  const { dir, force, options } = parsed;
  let written: WrittenFile[];
  try {
    const files = scaffoldFiles(options);
    await checkTarget(dir, force);
    written = await writeScaffold(dir, files, force);
  } catch (error) {
    if (!(error instanceof InitError)) throw error;
    io.stderr(`mlgrade init: ${error.message}; nothing was written\n`);
    return 2;
  }
  io.stdout(report(dir, written, options.preset));
  return 0;
}

function parseInitArgs(argv: string[]) {
  const { values, positionals } = parseCliArgs(argv, {
    preset: { type: 'string' },
    'course-id': { type: 'string' },
    title: { type: 'string' },
    timezone: { type: 'string' },
    'runs-on': { type: 'string' },
    workflow: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help' as const;
  if (positionals.length > 1) {
    throw new UsageError(`one directory at most; got ${positionals.map((p) => `"${p}"`).join(', ')}`);
  }
  const dir = positionals[0] ?? '.';
  const workflow = values.workflow ?? 'matrix';
  if (workflow !== 'matrix' && workflow !== 'batch') {
    throw new UsageError(`--workflow is matrix or batch, not "${workflow}"`);
  }
  const timezone = values.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  if (!isTimeZone(timezone)) {
    throw new UsageError(`--timezone "${timezone}" is not an IANA time zone (e.g. America/New_York, UTC)`);
  }
  const named = path.basename(path.resolve(dir));
  const courseId = values['course-id'] ?? (slug(named) || 'my-course');
  return {
    dir,
    force: values.force === true,
    options: {
      ...(values.preset !== undefined ? { preset: values.preset } : {}),
      courseId,
      courseTitle: values.title ?? courseId,
      timezone,
      runsOn: (values['runs-on'] ?? 'self-hosted,gpu')
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean),
      version: mlgradeVersion(),
      workflow: workflow as 'matrix' | 'batch',
    },
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A directory name as a course id: lower case, runs of other characters as one "-". */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);
}

const OUTCOME_WORDS = {
  created: 'created',
  unchanged: 'unchanged',
  kept: 'kept (yours differs)',
  overwritten: 'replaced',
};

function report(dir: string, written: readonly WrittenFile[], preset: string | undefined): string {
  const at = (relative: string) => shellWord(path.join(dir, relative));
  const count = (outcome: WrittenFile['outcome']) =>
    written.filter((file) => file.outcome === outcome).length;
  const width = Math.max(...written.map((file) => OUTCOME_WORDS[file.outcome].length));
  const lines = [
    `mlgrade init: ${preset ? `a course from the preset "${preset}"` : 'the starter course'} in ${dir} (${count('created')} created, ${count('unchanged')} unchanged, ${count('kept')} kept, ${count('overwritten')} replaced)`,
    ...written.map((file) => `  ${OUTCOME_WORDS[file.outcome].padEnd(width)}  ${file.path}`),
  ];
  if (count('kept') > 0) {
    lines.push(
      '',
      `Files marked "kept" differ from the scaffold and were left as they are; \`mlgrade init ${shellWord(dir)} --force\` replaces them.`,
    );
  }
  const config = at('config-repo/.github/mlgrade.yml');
  const data = at('hidden-data');
  const steps = preset
    ? [
        `Copy the hidden test sets the preset's checks name into ${data}/ and set their file names and sha256 pins in ${config}; then check both:\n       npx mlgrade validate ${config} --data ${data}`,
        `Check the machine that will grade (the runner):\n       npx mlgrade doctor --config ${config} --data ${data}`,
      ]
    : [
        `Check the config and the hidden data:\n       npx mlgrade validate ${config} --data ${data}`,
        `Grade the example submission:\n       npx mlgrade grade ${at('example-submission')} --config ${config} --data ${data}`,
        `Check the machine that will grade (the runner):\n       npx mlgrade doctor --config ${config} --data ${data}`,
      ];
  steps.push(
    `Put it on GitHub: ${at('config-repo')}/ becomes the organisation's .github repository, ${at('grader-repo')}/ a private mlgrade-grader repository (its README lists the variables, secret and runners); register and install the app: docs/quickstart.md, steps 6 to 9.`,
  );
  lines.push('', 'Next steps:', ...steps.map((step, index) => `  ${index + 1}. ${step}`));
  return `${lines.join('\n')}\n`;
}

/** `word` as one shell word: as is when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * What `mlgrade init` writes: the course config repository, the grader repository, the hidden data
 * directory and (for the starter course) an example submission, as a list of files. Nothing here
 * touches the target directory; `writeScaffold` does.
 *
 * The starter course grades predictions on the CIFAR-10 test labels mlgrade ships with its examples,
 * so a fresh scaffold validates, grades its example submission and passes `doctor` before anything
 * is on GitHub. A preset course extends a built-in preset and leaves its hidden data to the
 * instructor (validate --data names each missing file).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../config/did-you-mean.js';
import { listPresets } from '../config/presets.js';
import { packageRoot } from '../package-root.js';
import { fillTemplate } from '../render/fill-template.js';

/** A bad `init` request (unknown preset, bad course id or labels): nothing was written. */
export class InitError extends Error {
  override name = 'InitError';
}

/** The choices `mlgrade init` takes; every one has a default in the CLI. */
export interface ScaffoldOptions {
  /** A built-in preset to extend; undefined for the starter course. */
  preset?: string;
  /** The course id (a slug: letters, digits, `-`, `_`). */
  courseId: string;
  courseTitle: string;
  /** IANA time zone due dates are read in. */
  timezone: string;
  /** Runner labels the grader workflow runs on. */
  runsOn: readonly string[];
  /** The mlgrade version the grader workflow pins the action to. */
  version: string;
  /** The grader workflow's form: one job per attempt, or one job per dispatch. */
  workflow: 'matrix' | 'batch';
}

/** One file of the scaffold: a `/`-separated path relative to the target directory. */
export interface ScaffoldFile {
  path: string;
  content: Buffer;
}

/** The starter course's hidden labels and example submission, shipped with mlgrade's examples. */
const STARTER_LABELS = 'examples/hidden-data/cifar10-test-labels.csv';
const STARTER_SUBMISSION = 'examples/submissions/m4-passing';

const COURSE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
/** Runner labels: what GitHub accepts, without characters that would need quoting in YAML or JSON. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The files of a scaffold for `options`. Throws InitError for a request that cannot be met. */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  checkOptions(options);
  const root = packageRoot();
  const template = (name: string) => readFileSync(path.join(root, 'templates', 'init', name), 'utf8');
  const values: Record<string, string> = {
    version: options.version,
    preset: options.preset ?? '',
    // JSON strings are YAML scalars: a title with a colon or a quote stays one string.
    courseId: options.courseId,
    courseTitle: JSON.stringify(options.courseTitle),
    timezone: JSON.stringify(options.timezone),
    runsOnText: options.runsOn.map((label) => `\`${label}\``).join(', '),
    runsOnJson: JSON.stringify(options.runsOn),
  };
  const markdown = { ...values, courseTitle: options.courseTitle };
  const text = (file: string, content: string): ScaffoldFile => ({
    path: file,
    content: Buffer.from(content),
  });
  const files: ScaffoldFile[] = [
    text(
      'config-repo/.github/mlgrade.yml',
      fillTemplate(template(options.preset ? 'preset-course.yml' : 'course.yml'), values),
    ),
    text('config-repo/.github/mlgrade-roster.csv', template('roster.csv')),
    text('config-repo/README.md', fillTemplate(template('config-repo-README.md'), markdown)),
    text('grader-repo/.github/workflows/mlgrade-grade.yml', graderWorkflow(root, options)),
    text('grader-repo/README.md', fillTemplate(template('grader-repo-README.md'), markdown)),
    text('hidden-data/README.md', template('hidden-data-README.md')),
  ];
  if (!options.preset) {
    files.push({
      path: `hidden-data/${path.basename(STARTER_LABELS)}`,
      content: readFileSync(path.join(root, STARTER_LABELS)),
    });
    for (const file of filesUnder(path.join(root, STARTER_SUBMISSION))) {
      files.push({
        path: `example-submission/${file}`,
        content: readFileSync(path.join(root, STARTER_SUBMISSION, file)),
      });
    }
  }
  return files;
}

function checkOptions(options: ScaffoldOptions): void {
  if (options.preset !== undefined) {
    const presets = listPresets();
    if (!presets.includes(options.preset)) {
      throw new InitError(
        `unknown preset "${options.preset}"${didYouMean(options.preset, presets)} (built in: ${presets.join(', ')})`,
      );
    }
  }
  if (!COURSE_ID.test(options.courseId)) {
    throw new InitError(
      `course id "${options.courseId}" must be 1–64 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  if (options.runsOn.length === 0) throw new InitError('--runs-on needs at least one runner label');
  const bad = options.runsOn.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    throw new InitError(`runner label "${bad}" is not a plain label (letters, digits, ".", "_", "-")`);
  }
}

/**
 * The grader workflow template with the action pinned to `version` and the default runner labels
 * replaced; the app's dispatch passes its own labels, so both should agree.
 */
function graderWorkflow(root: string, options: ScaffoldOptions): string {
  const name = options.workflow === 'batch' ? 'mlgrade-grade-batch.yml' : 'mlgrade-grade.yml';
  const workflow = readFileSync(path.join(root, 'templates', 'workflows', name), 'utf8');
  const pinned = workflow.replace(/(uses: mlgrade\/mlgrade@)v[^\s]+/g, `$1v${options.version}`);
  const labels = pinned.replace(
    /(\n {8}default: )'\["self-hosted","gpu"\]'/,
    `$1'${JSON.stringify(options.runsOn)}'`,
  );
  if (labels === pinned && JSON.stringify(options.runsOn) !== '["self-hosted","gpu"]') {
    throw new Error(`templates/workflows/${name} has no runs_on default to replace; reinstall mlgrade.`);
  }
  return labels;
}

/** Every regular file under `dir`, as sorted `/`-separated relative paths. */
function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) out.push(...filesUnder(full, `${prefix}${name}/`));
    else if (stat.isFile()) out.push(`${prefix}${name}`);
  }
  return out;
}

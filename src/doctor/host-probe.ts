/**
 * Node's version against what mlgrade and its action need, and the hidden data directory: there,
 * readable by the grader, and not writable by every user (anyone could change the labels).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { DoctorItem } from './doctor-item.js';

/** The action's `runs.using` in action.yml (test/doctor checks that they agree). */
export const ACTION_NODE = 'node24';
/** The first GitHub Actions runner release that runs `node24` actions (docs/releasing.md). */
export const ACTION_RUNNER_VERSION = '2.327.1';

/** True when `version` (e.g. `20.18.1`) satisfies an engines range of the form `>=MAJOR[.MINOR[.PATCH]]`. */
export function satisfiesMinimum(version: string, range: string): boolean | undefined {
  const wanted = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  if (!wanted) return undefined;
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const need = Number(wanted[i + 1] ?? 0);
    const got = have[i] ?? 0;
    if (got !== need) return got > need;
  }
  return true;
}

/**
 * The Node line: this Node against package.json's `engines.node`. Inside the action (`inAction`),
 * the runner itself started it for `node24`, so its major version is checked against that too.
 */
export function nodeItem(version: string, engines: string | undefined, inAction: boolean): DoctorItem {
  const base = { id: 'node', name: 'node' };
  const range = engines ?? '>=20.18';
  const ok = satisfiesMinimum(version, range);
  const action = inAction
    ? `; the action runs on ${ACTION_NODE}`
    : `; the grader action needs a GitHub Actions runner ${ACTION_RUNNER_VERSION} or newer (it declares ${ACTION_NODE}; ./config.sh --version in the runner directory)`;
  if (ok === undefined)
    return {
      ...base,
      status: 'warning',
      detail: `Node ${version}; cannot read the engines range "${range}"`,
    };
  if (!ok)
    return {
      ...base,
      status: 'missing',
      detail: `Node ${version} is older than mlgrade needs (${range})${action}`,
      fix: 'install Node 20.18 or newer (e.g. nvm install 20, or actions/setup-node with node-version: 20)',
    };
  if (inAction && Number(version.replace(/^v/, '').split('.')[0]) < 24)
    return {
      ...base,
      status: 'warning',
      detail: `Node ${version} runs the action, which declares ${ACTION_NODE}`,
      fix: `update the GitHub Actions runner to ${ACTION_RUNNER_VERSION} or newer`,
    };
  return { ...base, status: 'ok', detail: `Node ${version} (mlgrade needs ${range})${action}` };
}

/**
 * The hidden data line. Without a directory (no --data, no course.data_dir) there is nothing to
 * check: checks that need hidden data then report it at grading time, so this is only a warning
 * when a config was given (it usually names one).
 */
export async function dataDirItem(dir: string | undefined, configGiven: boolean): Promise<DoctorItem> {
  const base = { id: 'data', name: 'hidden data' };
  if (dir === undefined)
    return configGiven
      ? {
          ...base,
          status: 'warning',
          detail: 'no hidden data directory: neither --data nor course.data_dir in the config names one',
          fix: 'pass --data DIR (in the grader workflow, the data input: vars.MLGRADE_DATA_DIR) or set course.data_dir',
        }
      : {
          ...base,
          status: 'ok',
          detail: 'not checked (pass --data DIR or --config FILE with course.data_dir)',
        };
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error)
    return {
      ...base,
      status: 'missing',
      detail: `${dir} ${info.code === 'ENOENT' ? 'does not exist' : `cannot be examined (${info.code ?? info.message})`}`,
      fix: `copy the hidden test sets and labels to ${dir} on this runner (mode 0750, owned by the runner's user), or fix --data / course.data_dir / vars.MLGRADE_DATA_DIR`,
    };
  if (!info.isDirectory())
    return {
      ...base,
      status: 'missing',
      detail: `${dir} is not a directory`,
      fix: 'point --data (or course.data_dir) at the directory that holds the hidden files',
    };
  const readable = await access(dir, constants.R_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!readable)
    return {
      ...base,
      status: 'missing',
      detail: `${dir} is not readable by the grader's user (uid ${process.getuid?.()})`,
      fix: `chown -R <runner user> ${dir}, or chmod -R u+rX ${dir}`,
    };
  if ((info.mode & 0o002) !== 0)
    return {
      ...base,
      status: 'missing',
      detail: `${dir} is writable by every user (mode ${(info.mode & 0o7777).toString(8)}): anyone on the runner could change the labels`,
      fix: `chmod o-w ${dir}`,
    };
  return { ...base, status: 'ok', detail: `${dir} exists, is readable and not world-writable` };
}

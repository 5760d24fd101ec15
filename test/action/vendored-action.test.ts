/**
 * A grader repository may vendor the action instead of `uses: mlgrade/mlgrade@vX`: it copies
 * `action.yml` and `dist/` and nothing else (docs/releasing.md). The bundle must then grade on its
 * own, with no mlgrade checkout and no node_modules around it: templates, presets and the version
 * travel inside dist/.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAction } from '../../scripts/bundle-action.js';
import { validateResults } from '../../src/results/validate-results.js';

describe('the action vendored as action.yml + dist/', () => {
  let vendored = '';
  beforeAll(async () => {
    // Outside the repository: nothing above it is mlgrade.
    vendored = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-vendored-'));
    await mkdir(path.join(vendored, '.github', 'actions', 'mlgrade'), { recursive: true });
    const action = path.join(vendored, '.github', 'actions', 'mlgrade');
    await copyFile('action.yml', path.join(action, 'action.yml'));
    await bundleAction(path.join(action, 'dist'));
  }, 120_000);
  afterAll(() => rm(vendored, { recursive: true, force: true }));

  it('grades a submission with the preset-based example config and records its version', async () => {
    const results = path.join(vendored, 'mlgrade-results.json');
    const { version } = JSON.parse(await readFile('package.json', 'utf8'));
    await promisify(execFile)(
      process.execPath,
      [path.join(vendored, '.github/actions/mlgrade/dist/index.cjs')],
      {
        cwd: vendored,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          INPUT_CONFIG: path.resolve('examples/course/mlgrade.yml'),
          INPUT_SUBMISSION: path.resolve('examples/submissions/m4-passing'),
          INPUT_ASSIGNMENT: 'milestone-4',
          INPUT_RESULTS: results,
        },
      },
    );
    const written = JSON.parse(await readFile(results, 'utf8'));
    expect(validateResults(written).ok).toBe(true);
    expect(written.score.points).toBe(35);
    expect(written.environment.mlgradeVersion).toBe(version);
  }, 120_000);
});

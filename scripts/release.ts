/**
 * Cuts a release of the action and the app: one commit that sets the version, pins the grader
 * workflow templates to it and rebuilds dist/ from that commit's sources, then an annotated tag
 * `vX.Y.Z` and the floating major tag `vX` that courses may follow. Nothing is pushed: the commands
 * to publish are printed (docs/releasing.md).
 * Usage: node build/scripts/release.js X.Y.Z [--repo DIR]
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';
import { bundleAction } from './bundle-action.js';

/** Why a release cannot be cut. */
export class ReleaseError extends Error {
  override name = 'ReleaseError';
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;
const PIN = /(uses:\s*mlgrade\/mlgrade@)v[^\s#]+/g;

/** What a release did. */
export interface Release {
  tag: string;
  majorTag: string;
  commit: string;
  /** The commands that publish it. */
  publish: string[];
}

/** Cuts release `version` in the git checkout at `repo`; throws {@link ReleaseError} with what to do. */
export async function release(version: string, repo = packageRoot()): Promise<Release> {
  const match = SEMVER.exec(version);
  if (!match) throw new ReleaseError(`"${version}" is not a version; give X.Y.Z, e.g. 0.2.0`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain');
  if (dirty !== '')
    throw new ReleaseError(`the checkout has uncommitted changes; commit or stash them first:\n${dirty}`);
  const tag = `v${version}`;
  if (git('tag', '--list', tag) !== '')
    throw new ReleaseError(`tag ${tag} exists already; pick the next version`);

  const manifest = path.join(repo, 'package.json');
  await writeFile(manifest, setVersion(await readFile(manifest, 'utf8'), version));
  const lock = path.join(repo, 'package-lock.json');
  const lockText = await readFile(lock, 'utf8').catch(() => undefined);
  if (lockText !== undefined) {
    const data = JSON.parse(lockText) as {
      version?: string;
      packages?: Record<string, { version?: string }>;
    };
    data.version = version;
    if (data.packages?.['']) data.packages[''].version = version;
    await writeFile(lock, `${JSON.stringify(data, null, 2)}\n`);
  }
  const workflows = path.join(repo, 'templates', 'workflows');
  for (const file of (await readdir(workflows)).filter((name) => name.endsWith('.yml'))) {
    const text = await readFile(path.join(workflows, file), 'utf8');
    await writeFile(path.join(workflows, file), text.replace(PIN, `$1${tag}`));
  }
  await bundleAction(path.join(repo, 'dist'), repo);
  git(
    'add',
    '--all',
    '--',
    'package.json',
    'templates/workflows',
    'dist',
    ...(lockText ? ['package-lock.json'] : []),
  );
  git('commit', '--quiet', '-m', `release ${tag}`);
  git('tag', '--annotate', tag, '--message', `mlgrade ${tag}`);
  const majorTag = `v${match[1]}`;
  git('tag', '--force', majorTag);
  return {
    tag,
    majorTag,
    commit: git('rev-parse', 'HEAD'),
    publish: [`git push origin HEAD ${tag}`, `git push --force origin ${majorTag}`],
  };
}

/** package.json's text with its top-level version replaced, the rest of the file as it was. */
function setVersion(text: string, version: string): string {
  const data = JSON.parse(text) as { version?: string };
  if (typeof data.version !== 'string') throw new ReleaseError('package.json has no version field');
  return text.replace(/("version"\s*:\s*")[^"]*(")/, `$1${version}$2`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [version, ...rest] = process.argv.slice(2);
  const repoFlag = rest.indexOf('--repo');
  try {
    if (!version) throw new ReleaseError('usage: node build/scripts/release.js X.Y.Z [--repo DIR]');
    const done = await release(version, repoFlag >= 0 ? path.resolve(rest[repoFlag + 1] ?? '.') : undefined);
    console.log(`Released ${done.tag} (${done.commit.slice(0, 7)}); ${done.majorTag} points at it too.`);
    console.log(`Publish with:\n  ${done.publish.join('\n  ')}`);
  } catch (error) {
    console.error(`release: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}

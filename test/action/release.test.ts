/** The release script on a real clone: one commit with the version, pinned templates and dist/, and tags. */
import { execFileSync } from 'node:child_process';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { release } from '../../scripts/release.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('release', () => {
  let repo = '';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  beforeAll(async () => {
    repo = path.join(await tempDir(), 'mlgrade');
    execFileSync('git', ['clone', '--quiet', path.resolve('.'), repo]);
    git('config', 'user.email', 'release@example.edu');
    git('config', 'user.name', 'Release Test');
    // The bundler resolves packages from the checkout; the clone has none of its own (ignored by git).
    await symlink(path.resolve('node_modules'), path.join(repo, 'node_modules'));
    // .gitignore's `node_modules/` matches a directory, not this link.
    await writeFile(path.join(repo, '.git', 'info', 'exclude'), 'node_modules\n');
  }, 60_000);

  it('refuses a version that is not X.Y.Z', async () => {
    await expect(release('next', repo)).rejects.toThrow('"next" is not a version; give X.Y.Z');
  });

  it('refuses a checkout with uncommitted changes, and names them', async () => {
    await writeFile(path.join(repo, 'stray.txt'), 'x');
    await expect(release('9.9.9', repo)).rejects.toThrow(/uncommitted changes[\s\S]*stray\.txt/);
    execFileSync('rm', [path.join(repo, 'stray.txt')]);
  });

  it('commits the version, the pinned templates and a fresh dist/, tags vX.Y.Z and moves vX', async () => {
    const before = git('rev-parse', 'HEAD');
    const done = await release('9.9.9', repo);

    expect(done.tag).toBe('v9.9.9');
    expect(git('log', '-1', '--format=%s')).toBe('release v9.9.9');
    expect(git('rev-parse', 'HEAD^')).toBe(before);
    expect(git('rev-parse', 'v9.9.9^{commit}')).toBe(done.commit);
    expect(git('cat-file', '-t', 'v9.9.9')).toBe('tag'); // annotated
    expect(git('rev-parse', 'v9^{commit}')).toBe(done.commit);
    expect(git('status', '--porcelain')).toBe('');
    expect(JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')).version).toBe('9.9.9');
    expect(JSON.parse(await readFile(path.join(repo, 'dist', 'package.json'), 'utf8')).version).toBe('9.9.9');
    for (const file of ['mlgrade-grade.yml', 'mlgrade-grade-batch.yml']) {
      const text = await readFile(path.join(repo, 'templates', 'workflows', file), 'utf8');
      expect(text).toContain('uses: mlgrade/mlgrade@v9.9.9');
      expect(text).not.toMatch(/mlgrade\/mlgrade@v0\./);
    }
    expect(done.publish).toEqual(['git push origin HEAD v9.9.9', 'git push --force origin v9']);

    await expect(release('9.9.9', repo)).rejects.toThrow('tag v9.9.9 exists already');
  }, 120_000);
});

/**
 * The run's copy of the submission belongs to the run's uid (a dedicated one when the grader is root), and
 * giving it away never follows a symlink out of the copy: a link to a grader file must leave that
 * file the grader's.
 */
import { lstat, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSandboxed } from '../../src/sandbox/run-sandboxed.js';
import { sandboxPolicy } from '../../src/sandbox/sandbox-spec.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the copy given to the run', () => {
  it('belongs to the run uid, nested files and links included, and links are not followed', async () => {
    const outside = path.join(await tempDir(), 'grader-secret.txt');
    await writeFile(outside, 'secret');
    const submission = await tempDir();
    await mkdir(path.join(submission, 'src', 'deep'), { recursive: true });
    await writeFile(path.join(submission, 'src', 'deep', 'train.py'), 'print(1)\n');
    await symlink(outside, path.join(submission, 'link-out'));

    const { session } = await runSandboxed({
      submissionDir: submission,
      command: 'true',
      policy: sandboxPolicy(process.getuid?.() === 0 ? { mode: 'unshare' } : {}),
    });
    try {
      const work = session.workDir;
      const owner = (await stat(path.join(work, 'src', 'deep', 'train.py'))).uid;
      // A root grader gives the copy to a dedicated uid; any other grader keeps it (user namespace).
      if (process.getuid?.() === 0) expect(owner).not.toBe(0);
      else expect(owner).toBe(process.getuid?.());
      expect((await stat(path.join(work, 'src', 'deep'))).uid).toBe(owner);
      expect((await stat(work)).uid).toBe(owner);
      const link = await lstat(path.join(work, 'link-out')).catch(() => undefined);
      if (link) expect(link.uid).toBe(owner);
      expect((await stat(outside)).uid).toBe(process.getuid?.());
    } finally {
      await session.dispose();
    }
  });
});

/** loadContainedOnnxModel when the inference process cannot even be spawned (spawn throws, e.g. EAGAIN). */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import { loadContainedOnnxModel } from '../../src/models/onnx-process.js';
import { tempDir } from '../helpers/temp-dir.js';

vi.mock('node:child_process', async (original) => ({
  ...(await original<typeof import('node:child_process')>()),
  spawn: () => {
    throw Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' });
  },
}));

const MODEL = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'models',
  'hostile',
  'constant-of-shape.onnx',
);
const savedTmp = process.env.TMPDIR;

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

it('rejects and leaves no temporary directory behind', async () => {
  const tmp = await tempDir({});
  process.env.TMPDIR = tmp;
  await expect(loadContainedOnnxModel(await readFile(MODEL))).rejects.toThrow(/EAGAIN/);
  expect(await readdir(tmp)).toEqual([]);
});

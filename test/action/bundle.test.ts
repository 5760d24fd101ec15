import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleAction, listFiles } from '../../scripts/bundle-action.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the committed action bundle (dist/)', () => {
  it('is what `npm run build:action` builds now (run it and commit dist/ when this fails)', async () => {
    const fresh = await tempDir();
    const files = await bundleAction(fresh);
    expect(files).toEqual(await listFiles('dist'));
    expect(files).toContain('tfjs-backend-wasm.wasm');
    for (const file of files) {
      const same = (await readFile(path.join(fresh, file))).equals(await readFile(path.join('dist', file)));
      expect(same, `dist/${file} is stale`).toBe(true);
    }
  });
});

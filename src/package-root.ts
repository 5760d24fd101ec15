/**
 * Locates mlgrade's own package root, whether the code runs compiled (build/src/...) or from source
 * (src/...), so bundled files (templates/, presets, package.json) are found the same way in both.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** Absolute path of the directory holding mlgrade's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'mlgrade') {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('mlgrade: cannot find its own package.json; reinstall mlgrade.');
    dir = parent;
  }
}

/** mlgrade's version from its package.json. */
export function mlgradeVersion(): string {
  return JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string;
}

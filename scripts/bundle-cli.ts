/**
 * Bundles the CLI into build/cli/ (ESM, split at its dynamic imports so a command still loads only
 * what it uses), with the inference worker and the ONNX child beside it. Node resolves and reads
 * every module file on its own: TypeBox alone is 266 files and took ~150 ms to import on the 2-core
 * machine against ~15 ms bundled, so a cold `mlgrade grade` spent most of its start-up finding files.
 * Packages with native code or files they load from beside themselves stay external (onnxruntime,
 * TF.js and its wasm, PGlite, pg); they load from node_modules as before.
 *
 * `bin/mlgrade.js` runs the bundle when it is at least as new as the compiled CLI, else the compiled
 * CLI (build/src), so a `tsc` without this step never runs stale code. `npm run build` runs both.
 * Without esbuild (a production install) the step is skipped and the CLI runs unbundled.
 * Usage: node build/scripts/bundle-cli.js
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/package-root.js';

/** Left to node_modules: native addons, and packages that read files relative to their own module. */
export const CLI_EXTERNAL = [
  'onnxruntime-node',
  '@tensorflow/*',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  'pg',
  'playwright-core',
  'probot',
];

/** Builds the CLI bundle into `outDir` (default build/cli); false when esbuild is not installed. */
export async function bundleCli(outDir = path.join(packageRoot(), 'build', 'cli')): Promise<boolean> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  const root = packageRoot();
  await rm(outDir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      main: 'src/cli/main.ts',
      // Started by file name from beside the module that starts them (sharded-predict.ts, onnx-process.ts).
      'predict-worker': 'src/models/predict-worker.ts',
      'onnx-child': 'src/models/onnx-child.ts',
    },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: CLI_EXTERNAL,
    // Bundled CommonJS packages call require(); ESM has none, so give each chunk one.
    banner: {
      js: "import { createRequire as __mlgradeCreateRequire } from 'node:module'; const require = __mlgradeCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!(await bundleCli()))
    console.log('mlgrade: esbuild is not installed, so the CLI is not bundled; it runs from build/src.');
}

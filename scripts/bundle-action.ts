/**
 * Bundles the GitHub Action (action/run.ts) into dist/index.cjs with esbuild (and the ONNX inference
 * child, src/models/onnx-child.ts, into dist/onnx-child.cjs), and copies the TF.js
 * wasm binaries beside it (the wasm backend loads them from the bundle's directory). CommonJS
 * output: ncc builds broken bundles from NodeNext output, esbuild's CJS works (STYLE.md).
 *
 * The bundle is committed; test/action/bundle.test.ts rebuilds it into a temp directory and fails
 * when dist/ differs, so the output must be deterministic (no timestamps, no absolute paths).
 * Usage: npm run build:action
 */
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { packageRoot } from '../src/package-root.js';

/**
 * Native modules cannot be bundled; the code that uses them falls back (tfjs-node → wasm) or says
 * what to install. The action runs without node_modules, so they are simply absent there.
 */
export const EXTERNAL = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'];

/** CJS has no import.meta: each module's import.meta.url becomes the bundle's own file URL. */
const BANNER = "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * `createRequire(import.meta.url)` (the generated config validator) would resolve from dist/ at run
 * time, where there is no node_modules; using the bundle's own `require` lets esbuild inline it.
 */
const inlineCreateRequire: Plugin = {
  name: 'inline-create-require',
  setup(builder) {
    builder.onLoad({ filter: /\.generated\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        /const require = createRequire\(import\.meta\.url\);/,
        '',
      ),
      loader: 'ts',
    }));
  },
};

const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: EXTERNAL,
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: BANNER },
  plugins: [inlineCreateRequire],
  legalComments: 'none',
  minifyWhitespace: true,
  logLevel: 'warning',
} satisfies BuildOptions;

/** Builds the action into `outDir` (default dist/) and returns the files written, relative to it. */
export async function bundleAction(outDir = path.join(packageRoot(), 'dist')): Promise<string[]> {
  const root = packageRoot();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['action/run.ts'],
    outfile: path.join(outDir, 'index.cjs'),
    ...BUILD_OPTIONS,
  });
  // The ONNX inference child process (src/models/onnx-process.ts starts it from beside the bundle).
  await build({
    absWorkingDir: root,
    entryPoints: ['src/models/onnx-child.ts'],
    outfile: path.join(outDir, 'onnx-child.cjs'),
    ...BUILD_OPTIONS,
  });
  const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const file of (await readdir(wasmDir)).filter((name) => name.endsWith('.wasm')).sort()) {
    await copyFile(path.join(wasmDir, file), path.join(outDir, file));
  }
  return (await readdir(outDir)).sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await bundleAction();
  console.log(`dist/: ${files.join(', ')}`);
}

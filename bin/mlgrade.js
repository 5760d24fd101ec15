#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled core. `npm ci` builds it (prepare script): build/src
// (tsc) and build/cli, the same code bundled, which starts several times faster (scripts/bundle-cli.ts).
// The bundle runs only when it is at least as new as build/src, so a bare `tsc` never runs stale code.
import { statSync } from 'node:fs';

const mtime = (relative) => {
  try {
    return statSync(new URL(relative, import.meta.url)).mtimeMs;
  } catch {
    return undefined;
  }
};
const compiled = mtime('../build/src/cli/main.js');
const bundled = mtime('../build/cli/main.js');
const entry =
  bundled !== undefined && (compiled === undefined || bundled >= compiled)
    ? '../build/cli/main.js'
    : '../build/src/cli/main.js';
let cli;
try {
  cli = await import(entry);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('cli/main.js')) {
    console.error(
      'mlgrade: the compiled CLI is missing. Run `npm run build` in the mlgrade checkout, then try again.',
    );
    process.exit(2);
  }
  throw error;
}
process.exitCode = await cli.main(process.argv.slice(2));
// The command is done. Work it gave up on (a submission grade-all failed as hung) must not keep the
// terminal waiting: anything still running is cut off shortly after. The timer itself keeps nothing alive.
setTimeout(() => process.exit(), 2000).unref();

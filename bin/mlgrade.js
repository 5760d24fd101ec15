#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled core. `npm ci` builds it (prepare script).
let cli;
try {
  cli = await import('../build/src/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('build/src/cli/main.js')) {
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

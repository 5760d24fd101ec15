/** Argument parsing shared by the CLI commands: Node's parseArgs with errors turned into usage errors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A problem with how the command was called; the CLI prints it with the usage text and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `argv` for `options`, throwing UsageError with Node's message on unknown or malformed flags. */
export function parseCliArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/^TypeError \[[A-Z_]+\]: /, '') : String(error);
    throw new UsageError(message);
  }
}

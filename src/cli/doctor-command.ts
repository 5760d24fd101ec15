/**
 * `mlgrade doctor [--config FILE] [--data DIR] [--json]`: prints whether this runner is ready to
 * grade, one line per item (src/doctor decides); exit 0 when nothing is missing, 1 when something is.
 */
import { doctorExitCode, formatDoctorText } from '../doctor/doctor-item.js';
import { runDoctor } from '../doctor/run-doctor.js';
import type { CliIO } from './cli-io.js';
import { parseCliArgs, UsageError } from './parse-cli-args.js';

const OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Runs `mlgrade doctor` with the arguments after `doctor`; resolves to the exit code. */
export async function doctorCommand(argv: string[], io: Pick<CliIO, 'stdout' | 'stderr'>): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS);
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected argument "${positionals[0]}": doctor checks this machine; name a course config with --config FILE`,
    );
  for (const name of ['config', 'data'] as const)
    if (values[name] === '') throw new UsageError(`--${name} needs a path, got an empty string`);
  const items = await runDoctor({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values.data !== undefined ? { dataDir: values.data } : {}),
  });
  io.stdout(values.json ? `${JSON.stringify(items, null, 2)}\n` : formatDoctorText(items));
  return doctorExitCode(items);
}

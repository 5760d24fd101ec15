/** Where CLI commands write; tests pass string sinks, main passes the process streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal that should get colors. */
  color: boolean;
}

/** The process's own streams; colors when stdout is a TTY and NO_COLOR is unset. */
export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

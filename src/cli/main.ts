/**
 * The `mlgrade` command line: dispatches to a command, turns usage errors into usage text and exit 2,
 * and anything unexpected into a short report and exit 3 (no stack trace unless MLGRADE_DEBUG is set).
 */
import { mlgradeVersion } from '../package-root.js';
import { type CliIO, processIO } from './cli-io.js';
import {
  DOCTOR_USAGE,
  EXPORT_USAGE,
  FORGET_USAGE,
  GRADE_ALL_USAGE,
  GRADE_USAGE,
  REPORT_USAGE,
  RESCORE_USAGE,
  SCORE_USAGE,
  SCORES_USAGE,
  SYNC_USAGE,
  VALIDATE_USAGE,
} from './command-usage.js';
import { INIT_USAGE } from './init-usage.js';
import { UsageError } from './parse-cli-args.js';

const USAGE = `Usage: mlgrade <command> [options]

Commands:
  init [DIR] [--preset NAME]  scaffold a course: config and grader repositories, hidden data, next steps
  validate FILE...            check course configs; every problem as file:line:column  path  message
  grade SUBMISSION --config FILE [--assignment ID] [--data DIR] [--json OUT] [--markdown OUT]
                              run an assignment's checks on a submission and score its rubric
  grade-all PATH... --config FILE --out DIR [--jobs N]
                              grade many submissions in one process; resumable; a class summary
  score CRITERION VALUE --repo R --config FILE [--assignment ID] [--reason TEXT]
                              record an instructor's score in the ledger (as /mlgrade score in a PR)
  scores history [--repo R] [--assignment ID]
                              every manual score change: points, clears, who, when, where
  rescore --config FILE --assignment ID [--apply]
                              score every graded attempt again from stored results; show the diff
  sync canvas|gradescope --config FILE (--assignment ID | --all) [--roster FILE] [--dry-run]
                              send the grades that count now to Canvas, or write Gradescope's CSV
  export --format gradescope --config FILE (--assignment ID | --all) [--out FILE]
                              the scores CSV Gradescope's "Import scores" takes
  report --config FILE [--assignment ID] [--format table|csv|json] [--anonymous]
                              the class in view: completion, scores, criteria, early warning
  forget LOGIN --config FILE [--yes]
                              delete a student's attempts, results and scores from the ledger
  doctor [--config FILE] [--data DIR] [--json]
                              check this runner: sandbox, runtimes and packages, GPUs, disk, Node

Run \`mlgrade <command> --help\` for a command's options. \`mlgrade --version\` prints the version.
`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[], io: CliIO) => Promise<number> }> = {
  // Commands load on demand: `validate` must not pay for the checks and renderers `grade` needs.
  init: {
    usage: INIT_USAGE,
    run: async (argv, io) => (await import('./init-command.js')).initCommand(argv, io),
  },
  validate: {
    usage: VALIDATE_USAGE,
    run: async (argv, io) => (await import('./validate-command.js')).validateCommand(argv, io),
  },
  grade: {
    usage: GRADE_USAGE,
    run: async (argv, io) => (await import('./grade-command.js')).gradeCommand(argv, io),
  },
  'grade-all': {
    usage: GRADE_ALL_USAGE,
    run: async (argv, io) => (await import('./grade-all-command.js')).gradeAllCommand(argv, io),
  },
  score: {
    usage: SCORE_USAGE,
    run: async (argv, io) => (await import('./score-command.js')).scoreCommand(argv, io),
  },
  rescore: {
    usage: RESCORE_USAGE,
    run: async (argv, io) => (await import('./rescore-command.js')).rescoreCommand(argv, io),
  },
  sync: {
    usage: SYNC_USAGE,
    run: async (argv, io) => (await import('./sync-command.js')).syncCommand(argv, io),
  },
  export: {
    usage: EXPORT_USAGE,
    run: async (argv, io) => (await import('./sync-command.js')).exportCommand(argv, io),
  },
  scores: {
    usage: SCORES_USAGE,
    run: async (argv, io) => (await import('./scores-command.js')).scoresCommand(argv, io),
  },
  report: {
    usage: REPORT_USAGE,
    run: async (argv, io) => (await import('./report-command.js')).reportCommand(argv, io),
  },
  forget: {
    usage: FORGET_USAGE,
    run: async (argv, io) => (await import('./forget-command.js')).forgetCommand(argv, io),
  },
  doctor: {
    usage: DOCTOR_USAGE,
    run: async (argv, io) => (await import('./doctor-command.js')).doctorCommand(argv, io),
  },
};

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${mlgradeVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`mlgrade: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mlgrade ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(
      `mlgrade ${name}: internal error: ${message}\nThis is a bug in mlgrade; please report it with the command you ran.\n`,
    );
    if (process.env.MLGRADE_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return 3;
  }
}

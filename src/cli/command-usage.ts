/** Usage texts, kept apart from the commands so `mlgrade` can print help without loading them. */

/** Usage text of `mlgrade grade`. */
export const GRADE_USAGE = `Usage: mlgrade grade SUBMISSION --config FILE [options]

Runs an assignment's checks on the SUBMISSION directory and scores its rubric.

Options:
  --config FILE        course config (mlgrade.yml)                     (required)
  --assignment ID      assignment to grade (default: the only one, or the one whose
                       repository pattern matches the submission directory's name)
  --data DIR           hidden data directory (default: course.data_dir from the config)
  --json OUT           write the results file (mlgrade-results.json format, with the score)
  --markdown OUT       write the Markdown report (what a check run or PR comment shows)
  --submitted-at ISO   submission time, to apply the late policy (e.g. 2026-12-05T10:00:00Z)
  --show-hidden        include hidden checks' details (instructors; after the due date)
  --no-color           plain terminal output

Exit codes: 0 graded and every check passed, 1 graded with failing checks,
2 usage or config error (nothing graded), 3 internal error.
`;

/** Usage text, shown by `--help` and after a usage error. */
export const VALIDATE_USAGE = `Usage: mlgrade validate FILE [FILE...] [--json]

Checks course configs (mlgrade.yml) and the presets and files they extend: YAML syntax,
the config schema, each check's options, and references between rubrics and checks.

Options:
  --json      print the problems as a JSON array instead of text
  -h, --help  show this help

Exit status: 0 when every config is valid (warnings allowed), 2 when one is invalid
or the command line is wrong.
`;

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
  --format FORMAT      json (default) or gradescope: --json OUT then gets Gradescope's
                       results.json (default OUT: /autograder/results/results.json), also
                       when grading fails (score 0 and the reason); see docs/lms.md
  --markdown OUT       write the Markdown report (what a check run or PR comment shows)
  --submitted-at ISO   submission time, to apply the late policy (e.g. 2026-12-05T10:00:00Z)
  --show-hidden        include hidden checks' details (instructors; after the due date)
  --no-color           plain terminal output

Exit codes: 0 graded and every check passed, 1 graded with failing checks,
2 usage or config error (nothing graded), 3 internal error.
`;

/** Usage text, shown by `--help` and after a usage error. */
export const VALIDATE_USAGE = `Usage: mlgrade validate FILE [FILE...] [--data DIR] [--json]

Checks course configs (mlgrade.yml) and the presets and files they extend: YAML syntax,
the config schema, each check's options, and references between rubrics and checks. A check
that feeds no rubric criterion is a warning.

A FILE whose name contains "roster", or any .csv file, is checked as a course roster
(CSV or YAML, docs/lms.md#roster): a header with a login column, one row per student,
no duplicate logins or ids, well-formed GitHub ids, Canvas ids and emails.

Options:
  --data DIR  also read every hidden file the checks name from DIR, as grading does: it
              must exist, have the sha256 the config pins, and hold the columns and rows
              its check reads; each problem is reported at the field naming the file
  --json      print the problems as a JSON array instead of text
  -h, --help  show this help

Exit status: 0 when every file is valid (warnings allowed), 2 when one is invalid, a
hidden file is missing or wrong, or the command line is wrong.
`;

/** Usage text of `mlgrade score`. */
export const SCORE_USAGE = `Usage: mlgrade score CRITERION VALUE --repo OWNER/NAME --config FILE [options]

Records an instructor's score for one rubric criterion in the ledger, as \`/mlgrade score\` does
in a pull request. VALUE is points (0 to the criterion's maximum), a level label of a criterion
with levels (e.g. proficient), or clear (the criterion is pending again). Every change is kept:
see \`mlgrade scores history\`. The newest graded attempt is rescored and its total printed.

Options:
  --repo OWNER/NAME    the student repository                           (required)
  --config FILE        course config whose rubric checks the points      (required)
  --assignment ID      assignment (default: the one whose repository pattern matches NAME)
  --reason TEXT        a note shown with the score in the report
  --by NAME            who scored (default: $USER)
  --ledger DIR         PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)

Exit codes: 0 recorded, 2 usage error, unknown criterion or points out of range (nothing recorded).
`;

/** Usage text of `mlgrade scores`. */
export const SCORES_USAGE = `Usage: mlgrade scores history [--repo OWNER/NAME] [--assignment ID] [--json]

Lists every manual score change in the ledger, oldest first: points or clears, who made them,
when, from a PR comment or the terminal, and the comment's link.

Options:
  --repo OWNER/NAME    only this repository
  --assignment ID      only this assignment
  --json               print the rows as JSON
  --ledger DIR         PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)
`;

/** Usage text of `mlgrade sync`. */
export const SYNC_USAGE = `Usage: mlgrade sync canvas|gradescope --config FILE (--assignment ID... | --all) [options]

Sends the grade that counts now for each student (attempt policy applied, manual scores
included) to Canvas, or writes the scores CSV Gradescope imports. The same as labelling an
issue \`mlgrade: sync canvas\` in the config repository. Canvas needs CANVAS_URL and
CANVAS_TOKEN in the environment; every sync is recorded in the ledger, and a grade Canvas
already has is not sent again. See docs/lms.md.

Options:
  --config FILE        course config (assignments' lms.canvas ids, course.lms)   (required)
  --assignment ID      an assignment to sync (repeatable), or --all
  --roster FILE        the roster (CSV or YAML; default: course.roster in the config repository)
  --dry-run            print the changes (student, old, new, reason) and send nothing
  --out FILE           gradescope: also write the scores CSV to FILE
  --ledger DIR         PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)

Exit codes: 0 synced (or nothing to change), 1 some grades failed, 2 refused (nothing sent).
`;

/** Usage text of `mlgrade export`. */
export const EXPORT_USAGE = `Usage: mlgrade export --format gradescope --config FILE (--assignment ID... | --all) [--out FILE]

Writes the scores CSV Gradescope's "Import scores" accepts (the roster's email or SID column,
as course.lms.gradescope.id_column says, and the score) to --out FILE or stdout. Students
without that id in the roster are listed on stderr, never guessed.

Options:
  --format gradescope  the export format                                  (required)
  --config FILE        course config                                      (required)
  --assignment ID      an assignment (repeatable), or --all
  --roster FILE        the roster (default: course.roster in the config repository)
  --out FILE           where to write the CSV (default: stdout)
  --ledger DIR         PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)
`;

/** Usage text of `mlgrade rescore`. */
export const RESCORE_USAGE = `Usage: mlgrade rescore --config FILE --assignment ID [--apply] [--json]

Scores every graded attempt of an assignment again from the results stored in the ledger, against
the config and manual scores as they are now (after a rubric, level or late-policy change). No
check is run. Prints each attempt whose points change, by how much and which criteria moved, and
names criteria the stored scores have but the config no longer does.

Options:
  --config FILE        course config with the new rubric                 (required)
  --assignment ID      the assignment to rescore                          (required)
  --apply              store the new scores (default: show the diff only)
  --json               print the diff as JSON
  --ledger DIR         PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)
`;

/** Usage text of `mlgrade grade-all`. */
export const GRADE_ALL_USAGE = `Usage: mlgrade grade-all PATH... --config FILE --out DIR [options]

Grades many submissions in one process, a few at a time, and writes OUT/<name>.json per
submission (the mlgrade-results.json format) plus OUT/summary.csv and OUT/summary.json. A PATH
is a submission directory, or a directory of submission directories when its own name matches
no assignment. Run it again after an interruption: submissions already in --out are not graded
again. A submission that cannot be graded is listed and the others go on.

Options:
  --config FILE        course config                                        (required)
  --out DIR            where results and the summary go (must exist)        (required)
  --assignment ID      grade every submission against this assignment
                       (default: each by its directory name's repository pattern)
  --data DIR           hidden data directory (default: course.data_dir)
  --jobs N             submissions graded at once (default: the number of CPUs)
  --timeout-minutes M  a submission still grading after M minutes is failed as
                       hung and the rest go on (default 30)
  --submitted-at ISO   submission time for the late policy, for all of them

Exit codes: 0 all graded, 1 some could not be graded (see the summary), 2 usage or config error.
`;

/** Usage text of `mlgrade doctor`. */
export const DOCTOR_USAGE = `Usage: mlgrade doctor [--config FILE] [--data DIR] [--json]

Checks that this machine (a grader runner) can grade: the sandbox for student code (bubblewrap,
unshare, cgroups), the Python runtimes and packages the course declares, GPUs (nvidia-smi), free
disk in the working and temporary directories, Node, and the hidden data directory. One line per
item: ok, warning or missing, with the command or package that fixes it. See docs/doctor.md.

Options:
  --config FILE        course config: also check its declared runtimes and their \`requires:\`
                       packages (in the sandbox, as a grade does), its GPU checks, course.data_dir
  --data DIR           hidden data directory (default: course.data_dir from the config)
  --json               print the items as a JSON array

Exit codes: 0 nothing missing (warnings allowed), 1 something is missing, 2 usage error.
`;

/** Usage text of `mlgrade report`. */
export const REPORT_USAGE = `Usage: mlgrade report --config FILE [options]

The class in view, from the ledger: per assignment, students who submitted, were graded, pass and
are complete; attempts per student; late submissions and penalties; the score distribution (mean,
median, quartiles, a histogram); what each rubric criterion costs the class; manual criteria
pending; and the early-warning list (below the threshold, no attempt near a due date, a check
failing 3 times in a row), each with its reason. Figures about fewer than 5 students are shown as
"fewer than 5". Every figure is defined in docs/report.md.

Options:
  --config FILE         course config (mlgrade.yml)                          (required)
  --assignment ID       report on one assignment (default: every assignment)
  --format FORMAT       table (default), csv or json (the same figures)
  --anonymous           students as stable anonymous ids (s-…) instead of logins, for sharing;
                        the secret is MLGRADE_REPORT_SECRET, else report-secret beside the
                        PGlite ledger directory (made on first use, mode 0600)
  --threshold N         list students below N percent of an assignment's points (default 50)
  --inactive-days N     list students with no attempt at an assignment due within N days or
                        past due (default 7)
  --now ISO             the instant to measure due dates from (default: now)
  --ledger DIR          PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)

Exit codes: 0 reported, 2 usage or config error (an unknown assignment lists the known ids).
`;

/** Usage text of `mlgrade forget`. */
export const FORGET_USAGE = `Usage: mlgrade forget LOGIN --config FILE [--ledger DIR] [--yes]

Deletes a student's data from the ledger, on request: their attempts with results, the manual
scores and the manual-score history of their repositories, and the grades LMS syncs recorded for
them, in the config's course. Shows what it would delete; deletes only with --yes, in one
transaction.

Options:
  --config FILE   course config (mlgrade.yml): the course and its repository patterns (required)
  --yes           delete (without it nothing is deleted)
  --ledger DIR    PGlite ledger directory (default: DATABASE_URL, else .mlgrade/ledger)

Exit codes: 0 done (or nothing to delete), 2 usage or config error.
`;

/** `mlgrade init --help`, apart from the command so `mlgrade --help` does not load it. */
export const INIT_USAGE = `Usage: mlgrade init [DIR] [--preset NAME] [--course-id ID] [--title TEXT] [--timezone TZ]
                    [--runs-on LABELS] [--workflow matrix|batch] [--force]

Scaffolds a course in DIR (default: the current directory; created if missing):
  config-repo/          the organisation's .github repository: .github/mlgrade.yml (the course
                        config), .github/mlgrade-roster.csv, a README for TAs
  grader-repo/          the private mlgrade-grader repository: the grader workflow with the action
                        pinned to this mlgrade's version and the runner labels, a README
  hidden-data/          the hidden test sets, to copy to the runners
  example-submission/   a student's submission the starter course grades (not with --preset)
then prints the next steps. Run it again at any time: it adds what is missing, leaves identical files
alone and never replaces a file that differs without --force. See docs/quickstart.md.

Options:
  --preset NAME         start from a built-in course (tinytorch, experiments, technical-note)
                        instead of the starter course; its hidden data is yours to add
  --course-id ID        course id (default: DIR's name)
  --title TEXT          course title (default: the course id)
  --timezone TZ         IANA time zone due dates are read in (default: this machine's)
  --runs-on LABELS      comma-separated runner labels (default: self-hosted,gpu)
  --workflow FORM       matrix: one job per attempt (default); batch: one job per dispatch
  --force               replace files that differ from the scaffold, and scaffold into a
                        non-empty directory that holds no scaffold

Exit codes: 0 written (or already there), 2 usage error or a target init refuses: nothing written.
`;

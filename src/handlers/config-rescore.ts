/**
 * Rescoring from the app after the course config changes (opt-in: `course.rescore_on_change`). A push
 * to the config repository's default branch scores every graded attempt again from its stored
 * results, without running a check, and shows who gains or loses on a check run on that commit:
 * `preview` waits for an instructor's **Apply rescore** button, `apply` stores and publishes at once.
 * Publishing updates each affected student's newest check run and pull-request comment through the
 * same throttled client as grading. Attempts whose checks changed inputs are listed for a regrade and
 * never rescored from stale results. Runs as a background task: the webhook is answered first.
 */
import type { Context } from 'probot';
import { rescoreClass } from '../attempt/rescore-class.js';
import { type AssignmentRescore, rescoreSummary } from '../attempt/rescore-summary.js';
import type { CourseConfig } from '../config/schema.js';
import { isInstructor } from '../course/is-instructor.js';
import { capSummary } from '../github/check-runs.js';
import { type GitHub, installationClient } from '../github/github-client.js';
import type { AppDeps, Log } from './app-deps.js';
import { rescorePublished } from './rescore-published.js';

/** The check run an app-side rescore reports on, on the config commit. */
export const RESCORE_CHECK_NAME = 'mlgrade rescore';

/** The requested action that applies a previewed rescore. */
export const RESCORE_APPLY_ACTION = {
  label: 'Apply rescore',
  description: 'Store and publish these scores',
  identifier: 'rescore-apply',
} as const;

/** Where the config changed. */
export interface ConfigCommit {
  owner: string;
  repo: string;
  sha: string;
}

/** After a push to the config repository's default branch: preview or apply, as the config asks. */
export async function rescoreAfterConfigChange(
  deps: AppDeps,
  github: GitHub,
  commit: ConfigCommit,
  log: Log,
): Promise<void> {
  const { loaded } = await deps.courses.get(github, commit.owner);
  const course = loaded.config;
  if (!course) {
    log.info(`${commit.owner}: the changed config has errors; nothing rescored`);
    return;
  }
  const mode = course.course.rescore_on_change ?? 'off';
  if (mode === 'off') return;
  const assignments = await rescoreCourse(deps, course);
  if (mode === 'apply') await applyRescore(deps, github, course, assignments, log);
  const changed = assignments.some(({ rescore }) => rescore.diffs.length > 0);
  const { title, summary } = rescoreSummary(assignments, mode === 'apply' ? 'applied' : 'preview');
  await github.rest.checks.create({
    owner: commit.owner,
    repo: commit.repo,
    name: RESCORE_CHECK_NAME,
    head_sha: commit.sha,
    status: 'completed',
    conclusion: 'neutral',
    output: { title, summary: capSummary(summary) },
    ...(mode === 'preview' && changed ? { actions: [RESCORE_APPLY_ACTION] } : {}),
  });
  log.info(`${commit.owner}: config ${commit.sha.slice(0, 7)} rescored (${mode}): ${title}`);
}

/**
 * The Apply rescore button: only an instructor's press counts, and only while the previewed commit is
 * still the config's head (a newer push has its own preview).
 */
export async function onRescoreApply(
  deps: AppDeps,
  context: Context<'check_run.requested_action'>,
): Promise<void> {
  const { payload } = context;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const checkRun = payload.check_run;
  if (!deps.courses.isConfigRepository(owner, repo) || checkRun.name !== RESCORE_CHECK_NAME) {
    context.log.info(`${owner}/${repo}: Apply rescore on a check run that is not a rescore preview; ignored`);
    return;
  }
  if (!(await deps.ledger.recordDelivery(context.id, 'check_run.requested_action'))) {
    context.log.info(`${owner}/${repo}: delivery ${context.id} was already handled (redelivery)`);
    return;
  }
  const github = await installationClient(context.octokit, payload.installation?.id, deps.wrap);
  const update = (title: string, summary: string) =>
    github.rest.checks.update({
      owner,
      repo,
      check_run_id: checkRun.id,
      output: { title, summary: capSummary(summary) },
      actions: [],
    });
  if (!(await isInstructor(github, owner, payload.sender.login, deps.env))) {
    context.log.info(
      `${owner}/${repo}: Apply rescore by ${payload.sender.login}, not an instructor; refused`,
    );
    return;
  }
  const { data: branch } = await github.rest.repos.getBranch({
    owner,
    repo,
    branch: payload.repository.default_branch,
  });
  if (branch.commit.sha !== checkRun.head_sha) {
    await update(
      'Rescore not applied: the config changed since this preview',
      `The config is now at ${branch.commit.sha.slice(0, 7)}, not ${checkRun.head_sha.slice(0, 7)} that this preview scored. Nothing was stored; apply the newer commit's preview instead (with \`rescore_on_change: preview\` it has its own check run).`,
    );
    return;
  }
  deps.courses.invalidate(owner);
  const { loaded } = await deps.courses.get(github, owner);
  if (!loaded.config) {
    await update('Rescore not applied: the config has errors', 'Nothing was stored; fix the config first.');
    return;
  }
  const course = loaded.config;
  const assignments = await rescoreCourse(deps, course);
  await applyRescore(deps, github, course, assignments, context.log);
  const { title, summary } = rescoreSummary(assignments, 'applied');
  await update(title, `${summary}\n\nApplied by @${payload.sender.login}.`);
}

/** Every assignment's rescore from the ledger (two queries per assignment). */
async function rescoreCourse(deps: AppDeps, course: CourseConfig): Promise<CourseRescore[]> {
  const out: CourseRescore[] = [];
  for (const assignment of course.assignments) {
    const [rows, manual] = await Promise.all([
      deps.ledger.listAssignmentResults(assignment.id),
      deps.ledger.listAssignmentManualScores(assignment.id),
    ]);
    if (rows.length === 0) continue;
    const rescore = rescoreClass(
      course,
      assignment,
      rows,
      (repository) => manual.get(repository.toLowerCase()) ?? {},
    );
    out.push({ assignmentId: assignment.id, rescore, latest: newestAttempts(rows) });
  }
  return out;
}

/** An assignment's rescore and each repository's newest graded attempt (the one students see). */
interface CourseRescore extends AssignmentRescore {
  latest: Set<string>;
}

function newestAttempts(rows: readonly { attempt: { id: string; repository: string } }[]): Set<string> {
  const newest = new Map<string, string>();
  // Rows come in ledger order (oldest first), so the last one of a repository is its newest.
  for (const { attempt } of rows) newest.set(attempt.repository.toLowerCase(), attempt.id);
  return new Set(newest.values());
}

/**
 * Stores every changed score, then republishes each repository whose newest graded attempt changed
 * (its check run and PR comment; two writes a student, through the throttled client). Older attempts'
 * scores are stored but not republished: students see their newest.
 */
async function applyRescore(
  deps: AppDeps,
  github: GitHub,
  course: CourseConfig,
  assignments: readonly CourseRescore[],
  log: Log,
): Promise<void> {
  for (const { assignmentId, rescore, latest } of assignments) {
    for (const diff of rescore.diffs) {
      const next = rescore.scores.get(diff.attemptId)!;
      await deps.ledger.saveResults(diff.attemptId, next.results, next.score);
    }
    const repositories = new Set(
      rescore.diffs.filter((diff) => latest.has(diff.attemptId)).map((diff) => diff.repository),
    );
    for (const repository of repositories)
      await rescorePublished(deps, github, { repository, assignmentId, course }, log);
  }
}

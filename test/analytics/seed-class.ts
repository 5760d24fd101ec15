/**
 * Seeds real PGlite ledgers for the report tests: a small course config (two checks, a pass
 * criterion, an accuracy-levels criterion, a manual criterion; a late policy of 10 % per started day)
 * and attempts written through the Ledger API, with their submission times set afterwards (the ledger
 * stamps attempts with the time of the call). A bulk writer inserts large classes with plain SQL.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import type { CourseConfig } from '../../src/config/schema.js';
import { scoreResults } from '../../src/grading/grade-and-score.js';
import type { CheckResult, Results } from '../../src/results/results-schema.js';
import type { AttemptState } from '../../src/store/ledger-types.js';
import { migrate } from '../../src/store/migrations.js';
import { openLedger, openSqlClient } from '../../src/store/open-ledger.js';

/** The test course: `courseId` varies so anonymous ids can be compared across courses. */
export function courseYaml(courseId = 'intro-ml', assignments = ['m1', 'm2']): string {
  const due = [
    '2026-10-01T23:59',
    '2026-10-15T23:59',
    '2026-10-29T23:59',
    '2026-11-12T23:59',
    '2026-11-26T23:59',
  ];
  return `course:
  id: ${courseId}
  title: Intro to ML
  timezone: UTC
assignments:
${assignments
  .map(
    (id, i) => `  - id: ${id}
    title: Milestone ${i + 1}
    repository: "${id}-{login}"
    due: ${due[i]}
    late: { per_day: 10 }
    checks:
      - id: files
        kind: files
        required: [README.md]
      - id: test
        kind: predictions
        labels: labels.csv
        pass_when: { accuracy: 0.75 }
    rubric:
      - id: deliverables
        title: Deliverables
        points: 10
        pass: files
      - id: accuracy
        title: Accuracy
        points: 60
        metric: test.accuracy
        levels:
          - { min: 0.9, points: 60, label: A }
          - { min: 0.8, points: 45, label: B }
          - { min: 0, points: 20, label: C }
      - id: report
        title: Report
        points: 30
        manual: true
`,
  )
  .join('')}`;
}

/** Writes the course config into `dir` and loads it. */
export async function writeCourse(dir: string, courseId = 'intro-ml', assignments?: string[]) {
  const file = path.join(dir, `${courseId}.yml`);
  await writeFile(file, courseYaml(courseId, assignments));
  const loaded = await loadConfig(file);
  if (!loaded.config) throw new Error(`test course invalid: ${JSON.stringify(loaded.problems)}`);
  return { file, course: loaded.config };
}

/** One attempt to seed. */
export interface SeedAttempt {
  login: string;
  assignment: string;
  /** Submission time (ISO). */
  at: string;
  /** Whether the files check passes; the predictions check passes when accuracy ≥ 0.75. */
  files: boolean;
  accuracy: number;
  state?: AttemptState;
  trigger?: 'push' | 'pull_request' | 'rerequested' | 'regrade';
}

/** A manual score to seed. */
export interface SeedManual {
  login: string;
  assignment: string;
  points: number;
}

/** The stored check results of a seeded attempt. */
export function checksFor(seed: Pick<SeedAttempt, 'files' | 'accuracy'>): CheckResult[] {
  const base = { findings: [], tables: [], logs: '', logsTruncated: false, durationMs: 5 };
  return [
    {
      id: 'files',
      kind: 'files',
      status: seed.files ? 'pass' : 'fail',
      summary: seed.files ? 'All required files present.' : 'README.md is missing.',
      metrics: {},
      ...base,
    },
    {
      id: 'test',
      kind: 'predictions',
      status: seed.accuracy >= 0.75 ? 'pass' : 'fail',
      summary: `accuracy ${seed.accuracy}`,
      metrics: { accuracy: seed.accuracy },
      ...base,
    },
  ];
}

function resultsFor(courseId: string, seed: SeedAttempt, repository: string, sha: string): Results {
  return {
    schemaVersion: 1,
    course: courseId,
    assignment: seed.assignment,
    submission: { repository, sha },
    startedAt: seed.at,
    finishedAt: seed.at,
    durationMs: 10,
    environment: { mlgradeVersion: 'test', node: process.version, platform: 'linux-x64', versions: {} },
    checks: checksFor(seed),
  };
}

const repositoryOf = (seed: { login: string; assignment: string }) =>
  `intro-org/${seed.assignment}-${seed.login}`;

/** Seeds `attempts` and `manual` into the PGlite ledger in `ledgerDir` through the Ledger API. */
export async function seedLedger(
  ledgerDir: string,
  course: CourseConfig,
  attempts: readonly SeedAttempt[],
  manual: readonly SeedManual[] = [],
): Promise<void> {
  const ledger = await openLedger({ dataDir: ledgerDir, databaseUrl: '' });
  const times: [string, string][] = [];
  try {
    for (const seed of attempts) {
      const assignment = course.assignments.find((a) => a.id === seed.assignment)!;
      const repository = repositoryOf(seed);
      const sha = randomUUID().replaceAll('-', '').padEnd(40, '0');
      const { attempt } = await ledger.createAttempt({
        courseId: course.course.id,
        assignmentId: seed.assignment,
        repository,
        repositoryId: 1,
        studentId: null,
        studentLogin: seed.login,
        sha,
        trigger: seed.trigger ?? 'push',
      });
      times.push([attempt.id, seed.at]);
      const state = seed.state ?? 'completed';
      if (state === 'completed') {
        const results = resultsFor(course.course.id, seed, repository, sha);
        const score = scoreResults(course, assignment, results.checks, { submittedAt: new Date(seed.at) });
        await ledger.saveResults(attempt.id, results, score);
      }
      await ledger.updateAttempt(attempt.id, { state, completedAt: new Date(seed.at) });
    }
    for (const score of manual)
      await ledger.saveManualScore({
        repository: repositoryOf(score),
        assignmentId: score.assignment,
        criterionId: 'report',
        points: score.points,
        by: 'prof',
      });
  } finally {
    await ledger.close();
  }
  // The ledger stamps created_at with the time of the call; set the submission times the seed says.
  const client = await openSqlClient({ dataDir: ledgerDir, databaseUrl: '' });
  try {
    await client.query(
      `UPDATE attempts SET created_at = t.at::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS t(id text, at text) WHERE attempts.id = t.id`,
      [JSON.stringify(times.map(([id, at]) => ({ id, at })))],
    );
  } finally {
    await client.close();
  }
}

/**
 * Inserts `attempts` (all completed, pushed) and `manual` scores (with their history rows) with plain SQL in batches: for classes too big to seed
 * one Ledger call at a time. Stores the same results and score rows the ledger would.
 */
export async function bulkSeed(
  ledgerDir: string,
  course: CourseConfig,
  attempts: readonly SeedAttempt[],
  manual: readonly SeedManual[] = [],
): Promise<void> {
  const client = await openSqlClient({ dataDir: ledgerDir, databaseUrl: '' });
  try {
    await migrate(client);
    const scores = JSON.stringify(
      manual.map((score) => ({
        repository: repositoryOf(score),
        assignment_id: score.assignment,
        points: score.points,
      })),
    );
    await client.transaction(async (tx) => {
      for (const table of ['manual_scores', 'manual_score_events'])
        await tx.query(
          `INSERT INTO ${table} (repository, assignment_id, criterion_id, points, entered_by, entered_at${table === 'manual_scores' ? '' : ', source'})
           SELECT repository, assignment_id, 'report', points, 'prof', now()${table === 'manual_scores' ? '' : ", 'cli'"}
           FROM jsonb_to_recordset($1::jsonb) AS t(repository text, assignment_id text, points double precision)`,
          [scores],
        );
    });
    for (let start = 0; start < attempts.length; start += 1000) {
      const rows = attempts.slice(start, start + 1000).map((seed) => {
        const assignment = course.assignments.find((a) => a.id === seed.assignment)!;
        const repository = repositoryOf(seed);
        const sha = randomUUID().replaceAll('-', '').padEnd(40, '0');
        const results = resultsFor(course.course.id, seed, repository, sha);
        const score = scoreResults(course, assignment, results.checks, { submittedAt: new Date(seed.at) });
        return {
          id: randomUUID(),
          course_id: course.course.id,
          assignment_id: seed.assignment,
          repository,
          student_login: seed.login,
          sha,
          at: seed.at,
          results,
          score,
        };
      });
      await client.transaction(async (tx) => {
        const json = JSON.stringify(rows);
        await tx.query(
          `INSERT INTO attempts (id, course_id, assignment_id, repository, repository_id, student_id, student_login,
             sha, trigger, state, created_at, completed_at)
           SELECT id, course_id, assignment_id, repository, 1, NULL, student_login, sha, 'push', 'completed',
             at::timestamptz, at::timestamptz
           FROM jsonb_to_recordset($1::jsonb) AS t(id text, course_id text, assignment_id text, repository text,
             student_login text, sha text, at text)`,
          [json],
        );
        await tx.query(
          `INSERT INTO attempt_results (attempt_id, results, score, saved_at)
           SELECT id, results, score, at::timestamptz
           FROM jsonb_to_recordset($1::jsonb) AS t(id text, results jsonb, score jsonb, at text)`,
          [json],
        );
      });
    }
  } finally {
    await client.close();
  }
}

/**
 * Rescoring a class from the ledger (`mlgrade rescore --apply`'s work: read every stored attempt and
 * the manual scores, score them again, store the new scores) for 300 graded submissions in PGlite,
 * against grading the same 300 again (300 × one in-process grade of the example submission, the
 * cost a rescore avoids). Target (issue 14): ≤ 2 s for 300, no check rerun.
 * Runs alone too: `npm run build && node build/bench/rescore.js`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rescoreFromLedger } from '../src/cli/rescore-command.js';
import { loadConfig } from '../src/config/load-config.js';
import { gradeAndScore } from '../src/grading/grade-and-score.js';
import { packageRoot } from '../src/package-root.js';
import { openLedger } from '../src/store/open-ledger.js';
import { type BenchFigure, median } from './figure.js';

const STUDENTS = 300;

/** Seconds to rescore and store 300 attempts, against regrading them. */
export async function run(): Promise<BenchFigure[]> {
  const root = packageRoot();
  const { config } = await loadConfig(path.join(root, 'examples', 'course', 'mlgrade.yml'));
  const course = config!;
  const assignment = course.assignments.find((candidate) => candidate.id === 'milestone-4')!;
  const request = {
    course,
    assignment,
    submissionDir: path.join(root, 'examples', 'submissions', 'm4-passing'),
    dataDir: path.join(root, 'examples', 'hidden-data'),
    submittedAt: new Date('2026-12-01T12:00:00Z'),
  };
  const grades: number[] = [];
  let graded = await gradeAndScore(request);
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    graded = await gradeAndScore(request);
    grades.push(performance.now() - start);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-bench-rescore-'));
  const ledger = await openLedger({ dataDir: path.join(dir, 'ledger'), databaseUrl: '' });
  try {
    for (let i = 0; i < STUDENTS; i++) {
      const repository = `ml-course/m4-s${i}`;
      const { attempt } = await ledger.createAttempt({
        courseId: course.course.id,
        assignmentId: assignment.id,
        repository,
        repositoryId: i,
        studentId: null,
        studentLogin: `s${i}`,
        sha: 'e'.repeat(40),
        trigger: 'push',
      });
      await ledger.saveResults(attempt.id, graded.results, graded.score);
      await ledger.updateAttempt(attempt.id, { state: 'completed' });
      await ledger.saveManualScore({
        repository,
        assignmentId: assignment.id,
        criterionId: 'code-quality',
        points: i % 21,
        by: 'prof',
      });
    }
    const runs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      const { rescore } = await rescoreFromLedger(ledger, course, assignment);
      // Store every new score, changed or not, so each round does the whole write.
      for (const [attemptId, next] of rescore.scores)
        await ledger.saveResults(attemptId, next.results, next.score);
      runs.push(performance.now() - start);
    }
    const seconds = median(runs) / 1000;
    const regrade = (median(grades) * STUDENTS) / 1000;
    return [
      { name: `grade ${STUDENTS} m4 submissions again (300 × one grade)`, value: regrade, unit: 's' },
      {
        name: `rescore ${STUDENTS} from the ledger and store (PGlite)`,
        value: seconds,
        unit: 's',
        ratio: {
          value: seconds / regrade,
          against: 'grading them again',
          target: '≤ 2 s absolute',
          met: seconds <= 2,
        },
      },
    ];
  } finally {
    await ledger.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run())
    console.log(
      `${figure.name.padEnd(56)} ${figure.value.toFixed(3)} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(4)} vs ${figure.ratio.against})` : ''}`,
    );
}

/** Hand-built inputs for the renderer tests: Milestone 4 with a hidden test and a visible lint check. */
import type { Assignment } from '../../src/config/schema.js';
import { scoreAssignment } from '../../src/grading/score-assignment.js';
import type { RenderInput } from '../../src/render/report-model.js';
import type { CheckResult, Results } from '../../src/results/results-schema.js';

export const course = { id: 'cs329s-fall-2026', title: 'CS329S Fall 2026' };

export const milestone4: Assignment = {
  id: 'tinytorch/milestone-4',
  title: 'Milestone 4: Advanced Vision',
  due: '2026-12-04T23:59',
  timezone: 'America/New_York',
  late: { grace_minutes: 15, per_day: 10, max_penalty: 30 },
  checks: [
    { id: 'hidden-test', kind: 'model', title: 'Hidden CIFAR-10 test', hidden: true },
    { id: 'eval', kind: 'predictions', title: 'Validation predictions' },
  ],
  rubric: [
    {
      id: 'cifar10-accuracy',
      title: 'CIFAR-10 Accuracy',
      points: 25,
      metric: 'hidden-test.accuracy',
      levels: [
        { min: 0.8, points: 25, label: 'Exemplary' },
        { min: 0.75, points: 22, label: 'Proficient' },
        { min: 0.7, points: 19, label: 'Developing' },
        { min: 0, points: 16, label: 'Beginning' },
      ],
    },
    {
      id: 'validation-f1',
      title: 'Validation macro F1',
      points: 25,
      metric: 'eval.macro_f1',
      levels: [
        { min: 0.75, points: 25, label: 'Exemplary' },
        { min: 0.6, points: 20, label: 'Proficient' },
      ],
    },
    { id: 'performance-analysis', title: 'Performance Analysis', points: 25, manual: true },
    { id: 'code-quality', title: 'Code Quality', points: 25, manual: true },
  ],
};

export const CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

export function checkResult(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'eval',
    kind: 'predictions',
    title: 'Validation predictions',
    status: 'pass',
    summary: 'Scored 5000 validation predictions.',
    metrics: { accuracy: 0.8123, macro_f1: 0.7712, zero_f1_classes: 0 },
    findings: [
      { level: 'warning', message: 'Class cat has recall below 0.6.', file: 'predictions.csv', line: 12 },
    ],
    tables: [
      {
        id: 'per-class',
        title: 'Per-class metrics',
        columns: ['class', 'precision', 'recall', 'f1'],
        rows: CLASSES.map((name, i) => [name, 0.7 + i / 100, 0.65 + i / 100, null]),
      },
      {
        id: 'confusion-matrix',
        title: 'Confusion matrix',
        columns: ['true \\ predicted', ...CLASSES],
        rows: CLASSES.map((name, i) => [name, ...CLASSES.map((_, j) => (i === j ? 400 : 11))]),
      },
    ],
    logs: 'loading predictions.csv\nscoring 5000 rows\ndone\n',
    logsTruncated: false,
    durationMs: 1234,
    ...overrides,
  };
}

export const hiddenCheck: CheckResult = checkResult({
  id: 'hidden-test',
  kind: 'model',
  title: 'Hidden CIFAR-10 test',
  summary: 'Accuracy 0.8312 on 10000 hidden images (SECRET-DETAIL).',
  metrics: { accuracy: 0.8312 },
  findings: [],
  tables: [],
  logs: 'evaluating hidden set SECRET-LOG\n',
});

export function results(checks: CheckResult[] = [hiddenCheck, checkResult()]): Results {
  return {
    schemaVersion: 1,
    course: course.id,
    assignment: milestone4.id,
    submission: { repository: 'course-org/milestone-4-alice', sha: 'a'.repeat(40) },
    startedAt: '2026-12-04T20:00:00Z',
    finishedAt: '2026-12-04T20:01:00Z',
    durationMs: 60_000,
    environment: { mlgradeVersion: '0.1.0', node: 'v20.19.0', platform: 'linux-x64', versions: {} },
    checks,
  };
}

/** A full render input: results scored against Milestone 4. */
export function renderInput(checks?: CheckResult[], submittedAt?: Date): RenderInput {
  const graded = results(checks);
  const options = submittedAt ? { submittedAt } : {};
  return {
    course,
    assignment: milestone4,
    results: graded,
    score: scoreAssignment(milestone4, graded.checks, options),
  };
}

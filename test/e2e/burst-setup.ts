/**
 * What the burst and crash tests share: a GitHub fake whose runner grades instantly (the results of
 * one real grading, rewritten and signed per attempt), and push payloads of many students.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type FakeOptions, type GitHubFake, runActionJob, startGitHubFake } from './github-fake.js';

/** The fake with the fast runner; `overrides` adds faults and limits. */
export async function startFastFake(
  root: string,
  webhookSecret: string,
  overrides: Partial<FakeOptions> = {},
): Promise<GitHubFake> {
  const template = await runActionJob(
    root,
    {
      attempt: 'template',
      repository: 'ml-course/m4-template',
      sha: 'f'.repeat(40),
      assignment: 'milestone-4',
    },
    'b'.repeat(64),
  );
  return startGitHubFake({
    root,
    configYaml: readFileSync(path.join(root, 'examples/course/mlgrade.yml'), 'utf8'),
    webhookSecret,
    pullRequest: 3,
    runner: 'fast',
    fastResults: Buffer.from(template.results).toString('utf8'),
    ...overrides,
  });
}

/** A 40-hex sha that names the student and the push. */
export const shaOf = (student: number, push: number) =>
  `${String(student).padStart(4, '0')}${String(push)}`.padEnd(40, 'a').slice(0, 40);

/** Student `s<student>`'s push number `push` to `ml-course/m4-s<student>`. */
export function pushOf(root: string, student: number, push: number) {
  const base = JSON.parse(readFileSync(path.join(root, 'test/fixtures/events/push.json'), 'utf8'));
  const login = `s${student}`;
  return {
    ...base,
    after: shaOf(student, push),
    repository: {
      ...base.repository,
      id: 900_000 + student,
      name: `m4-${login}`,
      full_name: `ml-course/m4-${login}`,
    },
    sender: { ...base.sender, login, id: 700_000 + student },
    pusher: { name: login, email: `${login}@example.edu` },
  };
}

/** Check runs per commit that has more than one: duplicates. */
export function duplicateCheckRuns(fake: GitHubFake): number {
  const perCommit = new Map<string, number>();
  for (const run of fake.checkRuns.values())
    perCommit.set(String(run.head_sha), (perCommit.get(String(run.head_sha)) ?? 0) + 1);
  return [...perCommit.values()].filter((n) => n > 1).length;
}

/** How many of `students` have a completed, successful check run on their newest push. */
export function gradedStudents(
  fake: GitHubFake,
  students: number,
  newest: (student: number) => string,
): number {
  const runs = [...fake.checkRuns.values()];
  return Array.from({ length: students }, (_, student) =>
    runs.some((run) => run.head_sha === newest(student) && run.status === 'completed'),
  ).filter(Boolean).length;
}

/** Check runs not completed. */
export const openCheckRuns = (fake: GitHubFake) =>
  [...fake.checkRuns.values()].filter((run) => run.status !== 'completed').length;

/** Polls `done` every 250 ms until it holds or `timeoutMs` passed. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
}

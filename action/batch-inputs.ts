/**
 * The batch mode's inputs: `attempts` (the dispatch's JSON array, passed on unchanged) and
 * `submissions` (the directory where the workflow checked each attempt out, one directory per attempt
 * id). The attempts come from the app, but they travel through workflow inputs anyone with write
 * access to the grader repository could set, so each field is checked before it names a path.
 */
import path from 'node:path';
import * as core from '@actions/core';
import { readResultsKey } from './inputs.js';

/** One attempt of the dispatch, as the app sends it (templates/workflows/mlgrade-grade-batch.yml). */
export interface BatchAttempt {
  attempt: string;
  repository: string;
  sha: string;
  assignment: string;
}

/** What the batch step was asked to do. */
export interface BatchInputs {
  config: string;
  /** Directory holding one checkout per attempt, named by the attempt id. */
  submissions: string;
  attempts: BatchAttempt[];
  data: string | undefined;
  /** Directory that receives `<attempt id>/mlgrade-results.json` (and `.sig`) for each attempt. */
  results: string;
  resultsKey: string | undefined;
  /** Submissions graded at a time (default: the runner's cores). */
  jobs: number | undefined;
}

/** More attempts than this in one dispatch is not something the app sends. */
export const MAX_BATCH_ATTEMPTS = 256;

/** True when the step was given `attempts` (batch mode) rather than one `submission`. */
export function isBatch(): boolean {
  return core.getInput('attempts') !== '';
}

/** Reads the batch inputs; throws naming the input (and the attempt) when one is malformed. */
export function readBatchInputs(): BatchInputs {
  const resultsKey = readResultsKey();
  const attempts = parseAttempts(core.getInput('attempts', { required: true }));
  const config = path.resolve(core.getInput('config', { required: true }));
  const submissions = path.resolve(core.getInput('submissions') || 'submissions');
  const results = path.resolve(core.getInput('results-dir') || 'mlgrade-results');
  const data = core.getInput('data') ? path.resolve(core.getInput('data')) : undefined;
  const jobsText = core.getInput('jobs');
  const jobs = jobsText === '' ? undefined : Number(jobsText);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1))
    throw new Error(
      `Invalid input 'jobs': "${jobsText}". Give a whole number of at least 1, or leave it out.`,
    );
  // Whatever is at the results directory is replaced, so it must never hold something the step needs.
  const needed: [string, string][] = [
    ['the working directory', process.cwd()],
    ["the 'config' file", config],
    ["the 'submissions' directory", submissions],
    ...(data ? [["the 'data' directory", data] as [string, string]] : []),
  ];
  for (const [name, dir] of needed)
    if (dir === results || dir.startsWith(`${results}${path.sep}`))
      throw new Error(
        `Invalid input 'results-dir': ${results} holds ${name}, and whatever is there is replaced. Name a directory of its own, e.g. mlgrade-results.`,
      );
  return { config, submissions, attempts, data, results, resultsKey, jobs };
}

/** Parses and checks the `attempts` JSON; every problem names the attempt's position. */
export function parseAttempts(text: string): BatchAttempt[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `Invalid input 'attempts': not JSON (${(error as Error).message}). Pass the workflow input attempts unchanged.`,
    );
  }
  if (!Array.isArray(value) || value.length === 0)
    throw new Error("Invalid input 'attempts': expected a non-empty JSON array of attempts.");
  if (value.length > MAX_BATCH_ATTEMPTS)
    throw new Error(
      `Invalid input 'attempts': ${value.length} attempts; one step grades at most ${MAX_BATCH_ATTEMPTS}.`,
    );
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const where = `Invalid input 'attempts': entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where} is not an object.`);
    const field = (name: string, pattern: RegExp, expected: string) => {
      const found = (entry as Record<string, unknown>)[name];
      if (typeof found !== 'string' || !pattern.test(found))
        throw new Error(`${where} has ${name} ${JSON.stringify(found)}; expected ${expected}.`);
      return found;
    };
    const attempt = field('attempt', /^[A-Za-z0-9][\w.-]{0,99}$/, 'an attempt id (letters, digits, . _ -)');
    if (seen.has(attempt)) throw new Error(`${where} repeats attempt ${attempt}.`);
    seen.add(attempt);
    return {
      attempt,
      repository: field('repository', /^[\w.-]+\/[\w.-]+$/, 'owner/name'),
      sha: field('sha', /^[0-9a-f]{40}$/, 'a full 40-character commit sha'),
      assignment: field('assignment', /^.{1,200}$/, 'an assignment id'),
    };
  });
}

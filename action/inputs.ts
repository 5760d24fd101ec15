/** The action's inputs (action.yml), read and checked once. */
import path from 'node:path';
import * as core from '@actions/core';

/** What the grader step was asked to do. */
export interface ActionInputs {
  config: string;
  submission: string;
  assignment: string;
  data: string | undefined;
  results: string;
  attemptId: string | undefined;
  repository: string | undefined;
  sha: string | undefined;
  /** The per-dispatch key the app minted to sign the results (masked, and gone from the environment). */
  resultsKey: string | undefined;
}

/** The runner passes the `results-key` input in this environment variable. */
const RESULTS_KEY_ENV = 'INPUT_RESULTS-KEY';

/** Reads the inputs; throws with the input's name when one is malformed. */
export function readInputs(): ActionInputs {
  const resultsKey = readResultsKey();
  const optional = (name: string) => core.getInput(name) || undefined;
  const sha = optional('sha');
  if (sha !== undefined && !/^[0-9a-f]{40}$/.test(sha))
    throw new Error(`Invalid input 'sha': "${sha}". Expected a full 40-character commit sha.`);
  const repository = optional('repository');
  if (repository !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new Error(`Invalid input 'repository': "${repository}". Expected format {owner}/{repo}.`);
  const config = path.resolve(core.getInput('config', { required: true }));
  const submission = path.resolve(core.getInput('submission', { required: true }));
  const results = path.resolve(core.getInput('results') || 'mlgrade-results.json');
  const data = optional('data') && path.resolve(optional('data')!);
  // Whatever is at the results path is replaced, so it must never hold something the step needs.
  const needed: [string, string][] = [
    ['the working directory', process.cwd()],
    ["the 'config' file", config],
    ["the 'submission' checkout", submission],
    ...(data ? [["the 'data' directory", data] as [string, string]] : []),
  ];
  for (const [name, dir] of needed)
    if (dir === results || dir.startsWith(`${results}${path.sep}`))
      throw new Error(
        `Invalid input 'results': ${results} holds ${name}, and whatever is at the results path is replaced. Name a file of its own, e.g. mlgrade-results.json.`,
      );
  return {
    config,
    submission,
    assignment: core.getInput('assignment', { required: true }),
    data,
    results,
    attemptId: optional('attempt-id'),
    repository,
    sha,
    resultsKey,
  };
}

/** The signing key: masked in the log, and removed from the environment so no child process inherits it. */
export function readResultsKey(): string | undefined {
  const key = core.getInput('results-key') || undefined;
  delete process.env[RESULTS_KEY_ENV];
  if (key === undefined) return undefined;
  core.setSecret(key);
  if (!/^[0-9a-f]{64}$/.test(key))
    throw new Error(
      "Invalid input 'results-key': expected the 64 hexadecimal characters the mlgrade app dispatched; pass the workflow input results_key unchanged.",
    );
  return key;
}

/** What the doctor step was asked to check. */
export interface DoctorInputs {
  /** The course config whose runtimes, GPU checks and data_dir are checked, when given. */
  config: string | undefined;
  data: string | undefined;
}

/**
 * True when the step runs `mlgrade doctor` instead of grading (`doctor: true`); throws naming the
 * input when it is neither true nor false, so a typo never grades or skips the checks silently.
 */
export function isDoctor(): boolean {
  const value = core.getInput('doctor').trim();
  if (value === '' || /^(false|False|FALSE)$/.test(value)) return false;
  if (/^(true|True|TRUE)$/.test(value)) return true;
  throw new Error(
    `Invalid input 'doctor': "${value}". Expected true (check the runner, grade nothing) or false.`,
  );
}

/** The doctor step's inputs: `config` and `data` are optional there. */
export function readDoctorInputs(): DoctorInputs {
  const config = core.getInput('config') || undefined;
  const data = core.getInput('data') || undefined;
  return { config: config && path.resolve(config), data: data && path.resolve(data) };
}

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
}

/** Reads the inputs; throws with the input's name when one is malformed. */
export function readInputs(): ActionInputs {
  const optional = (name: string) => core.getInput(name) || undefined;
  const sha = optional('sha');
  if (sha !== undefined && !/^[0-9a-f]{40}$/.test(sha))
    throw new Error(`Invalid input 'sha': "${sha}". Expected a full 40-character commit sha.`);
  const repository = optional('repository');
  if (repository !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new Error(`Invalid input 'repository': "${repository}". Expected format {owner}/{repo}.`);
  return {
    config: path.resolve(core.getInput('config', { required: true })),
    submission: path.resolve(core.getInput('submission', { required: true })),
    assignment: core.getInput('assignment', { required: true }),
    data: optional('data') && path.resolve(optional('data')!),
    results: path.resolve(core.getInput('results') || 'mlgrade-results.json'),
    attemptId: optional('attempt-id'),
    repository,
    sha,
  };
}

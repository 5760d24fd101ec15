import { describe, expect, it } from 'vitest';
import { attemptNonce, graderWorkflow, runNonceOf } from '../../src/github/grader-workflow.js';

describe('graderWorkflow', () => {
  it('takes the results secret from MLGRADE_RESULTS_SECRET, else WEBHOOK_SECRET, else the development default', () => {
    const secret = (env: NodeJS.ProcessEnv) => graderWorkflow('ml-course', env).resultsSecret;
    expect(secret({ MLGRADE_RESULTS_SECRET: 'results', WEBHOOK_SECRET: 'webhook' })).toBe('results');
    expect(secret({ WEBHOOK_SECRET: 'webhook' })).toBe('webhook');
    expect(secret({})).toBe('development');
    expect(() => secret({ NODE_ENV: 'production' })).toThrow(/MLGRADE_RESULTS_SECRET \(or WEBHOOK_SECRET\)/);
  });
});

describe('runNonceOf', () => {
  it('gives back the run nonce an attempt nonce was made from', () => {
    const nonce = 'a'.repeat(32);
    expect(runNonceOf(attemptNonce(nonce, 0))).toBe(nonce);
    expect(runNonceOf(attemptNonce(nonce, 12))).toBe(nonce);
  });
});

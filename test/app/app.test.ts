import { readFileSync } from 'node:fs';
import { Probot, ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMlgradeApp } from '../../src/app.js';
import type { Ledger } from '../../src/store/ledger-types.js';

describe('the app', () => {
  it('refuses to start in production without WEBHOOK_SECRET', async () => {
    const probot = new Probot({
      appId: 1,
      privateKey: 'unused: the app function throws before any request',
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const app = createMlgradeApp({ ledger: {} as Ledger, env: { NODE_ENV: 'production' } });
    await expect(probot.load(app)).rejects.toThrow('WEBHOOK_SECRET is not set');
  });

  it('asks GitHub for the events it handles and the least permissions that work (app.yml)', () => {
    const manifest = parse(readFileSync('app.yml', 'utf8'));
    expect(manifest.default_events).toEqual([
      'push',
      'pull_request',
      'workflow_run',
      'check_run',
      'issues',
      'issue_comment',
    ]);
    expect(manifest.default_permissions).toEqual({
      checks: 'write',
      contents: 'read',
      actions: 'write',
      pull_requests: 'write',
      issues: 'write',
      metadata: 'read',
    });
  });
});

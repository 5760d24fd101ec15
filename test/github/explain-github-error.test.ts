/**
 * What a 403/404 from GitHub is explained as: a rate limit (GitHub answers its limits with 403 too)
 * is never sent after a permission; a plain 403 is; a 404 is an installation.
 */
import { describe, expect, it } from 'vitest';
import { explainGitHubError } from '../../src/github/github-client.js';

/** An error shaped as Octokit's RequestError is (status, response headers and data). */
const error = (status: number, headers: Record<string, string>, message = 'Forbidden') =>
  Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    response: { status, url: 'https://api.github.com/x', headers, data: { message } },
  });

const explain = (e: unknown) =>
  explainGitHubError(e, 'dispatching the grader workflow', 'ml-course/mlgrade-grader').message;

describe('explainGitHubError', () => {
  it('says a secondary rate limit (retry-after) is a rate limit, not a permission', () => {
    const text = explain(error(403, { 'retry-after': '60' }, 'You have exceeded a secondary rate limit'));
    expect(text).toBe(
      "dispatching the grader workflow: GitHub answered 403 for ml-course/mlgrade-grader: the app is rate-limited (secondary rate limit; retry after 60 s), not missing a permission. It clears by itself; mlgrade's writes pause for it.",
    );
  });

  it('says an exhausted hourly budget is a rate limit, with its reset time', () => {
    // 1767225600 s is 2026-01-01T00:00:00Z.
    const text = explain(error(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600' }));
    expect(text).toContain('rate-limited (no requests left in the hour until 2026-01-01T00:00:00.000Z)');
    expect(text).not.toContain('permission:');
  });

  it('reads a rate limit from the message alone, and 429 as one too', () => {
    expect(explain(error(403, {}, 'API rate limit exceeded for installation ID 1.'))).toContain(
      '(rate limit)',
    );
    expect(explain(error(429, { 'retry-after': '5' }))).toContain('GitHub answered 429');
  });

  it('sends a plain 403 after the permission, and a 404 after the installation', () => {
    expect(
      explain(error(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration')),
    ).toContain('The app lacks a permission: accept the permissions requested in app.yml');
    expect(explain(error(404, {}, 'Not Found'))).toContain(
      'Install the mlgrade app on ml-course/mlgrade-grader',
    );
  });
});

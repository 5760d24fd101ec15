/**
 * The one GitHub client class mlgrade writes with. Probot's own client carries its retry and
 * throttling plugins (and a one-write-per-second limiter); mlgrade wants a single policy, the write
 * scheduler, so handlers take Probot's cached installation token and build this plain client instead.
 */
import { Octokit } from '@octokit/rest';
import type { EndpointDefaults, OctokitResponse } from '@octokit/types';
import { classifyFailure, failureOf } from './rate-limit-headers.js';

/** An authenticated REST client (`@octokit/rest`: endpoint methods and pagination, no retry, no throttle). */
export type GitHub = Octokit;

/** A `request` hook (`octokit.hook.wrap('request', wrap)`), e.g. the write scheduler's. */
type RequestOptions = Required<EndpointDefaults>;
// biome-ignore lint/suspicious/noExplicitAny: Octokit's own hook type
type Response = OctokitResponse<any>;
export type RequestWrap = (
  request: (options: RequestOptions) => Response | Promise<Response>,
  options: RequestOptions,
) => Response | Promise<Response>;

/** What is needed of Probot's client for an event (`context.octokit`). */
export interface ProbotClient {
  request: ((route: string, parameters: Record<string, unknown>) => Promise<{ data: unknown }>) & {
    endpoint: { DEFAULTS: { baseUrl: string } };
  };
}

/** Installation tokens by `baseUrl#installation`; GitHub's last an hour, renewed 5 minutes early. */
const tokens = new Map<string, { token: string; expiresAt: number }>();

/**
 * A client for the event's installation, going to Probot's base URL (GHE_HOST / GHE_PROTOCOL), with
 * every request through `wrap`. The token is minted through the context's client (JWT-authenticated
 * for that route) rather than Probot's auth strategy, which sends token requests to api.github.com
 * whatever GHE_HOST says (Probot 14 gives its auth strategy a request without the base URL).
 */
export async function installationClient(
  probot: ProbotClient,
  installationId: number | undefined,
  wrap?: RequestWrap,
): Promise<GitHub> {
  if (!installationId) throw new Error('mlgrade: the event has no installation; is the app installed there?');
  const baseUrl = probot.request.endpoint.DEFAULTS.baseUrl;
  const github = new Octokit({
    auth: await installationToken(probot, baseUrl, installationId),
    baseUrl,
    userAgent: 'mlgrade',
    log: { debug: () => {}, info: () => {}, warn: console.warn, error: console.error },
  });
  if (wrap) github.hook.wrap('request', wrap);
  return github;
}

async function installationToken(probot: ProbotClient, baseUrl: string, installationId: number) {
  const key = `${baseUrl}#${installationId}`;
  const cached = tokens.get(key);
  if (cached && cached.expiresAt - 5 * 60_000 > Date.now()) return cached.token;
  const { data } = await probot.request('POST /app/installations/{installation_id}/access_tokens', {
    installation_id: installationId,
  });
  const { token, expires_at: expiresAt } = data as { token: string; expires_at: string };
  tokens.set(key, { token, expiresAt: Date.parse(expiresAt) });
  return token;
}

/** Forgets cached installation tokens (tests). */
export function forgetTokens(): void {
  tokens.clear();
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Rewrites 403/404 from GitHub into what to fix (the app's permissions or installation), keeping
 * the original as the cause; other errors pass through. A 403 (or 429) that is a rate limit says
 * so: GitHub answers its primary and secondary limits with 403 too, and "grant a permission" would
 * send an instructor after the wrong fix.
 */
export function explainGitHubError(error: unknown, doing: string, repository: string): Error {
  const status = statusOf(error);
  if (status === 404) {
    return new Error(
      `${doing}: GitHub answered 404 for ${repository}. Install the mlgrade app on ${repository} (or on all repositories of its owner) and check that the repository exists.`,
      { cause: error },
    );
  }
  const limited = status === 403 || status === 429 ? rateLimit(error) : undefined;
  if (limited !== undefined) {
    return new Error(
      `${doing}: GitHub answered ${status} for ${repository}: the app is rate-limited (${limited}), not missing a permission. It clears by itself; mlgrade's writes pause for it.`,
      { cause: error },
    );
  }
  if (status === 403) {
    return new Error(
      `${doing}: GitHub answered 403 for ${repository}. The app lacks a permission: accept the permissions requested in app.yml (Settings → Installed GitHub Apps → mlgrade → review permissions).`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * How a 403/429 is a rate limit, in words, or undefined when it is not one. Whether it is one is the
 * write scheduler's own verdict (`classifyFailure`); this only says which limit.
 */
function rateLimit(error: unknown): string | undefined {
  if (classifyFailure(error, Date.now()).kind !== 'rate-limited') return undefined;
  const { headers, message } = failureOf(error);
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) return `secondary rate limit; retry after ${retryAfter} s`;
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    return `no requests left in the hour${when}`;
  }
  return /secondary rate limit/i.test(message) ? 'secondary rate limit' : 'rate limit';
}

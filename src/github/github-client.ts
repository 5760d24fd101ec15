/**
 * The one GitHub client class mlgrade writes with. Probot's own client carries its retry and
 * throttling plugins (and a one-write-per-second limiter); mlgrade wants a single policy, the write
 * scheduler, so handlers take Probot's cached installation token and build this plain client instead.
 */
import { Octokit } from '@octokit/rest';
import type { EndpointDefaults, OctokitResponse } from '@octokit/types';

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

/** What is needed of a Probot context: its installation-authenticated client. */
export interface HasOctokit {
  octokit: {
    auth: (options?: Record<string, unknown>) => Promise<unknown>;
    request: { endpoint: { DEFAULTS: { baseUrl: string } } };
  };
}

/**
 * A client for the event's installation. The token comes from Probot (cached for the hour it is
 * valid), the base URL from Probot too (GHE_HOST / GHE_PROTOCOL), and every request goes through `wrap`.
 */
export async function installationClient(context: HasOctokit, wrap?: RequestWrap): Promise<GitHub> {
  const auth = (await context.octokit.auth({ type: 'installation' })) as { token?: string };
  if (!auth.token) throw new Error('mlgrade: Probot returned no installation token for this event');
  const github = new Octokit({
    auth: auth.token,
    baseUrl: context.octokit.request.endpoint.DEFAULTS.baseUrl,
    userAgent: 'mlgrade',
    log: { debug: () => {}, info: () => {}, warn: console.warn, error: console.error },
  });
  if (wrap) github.hook.wrap('request', wrap);
  return github;
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Rewrites 403/404 from GitHub into what to fix (the app's permissions or installation), keeping
 * the original as the cause; other errors pass through.
 */
export function explainGitHubError(error: unknown, doing: string, repository: string): Error {
  const status = statusOf(error);
  if (status === 404) {
    return new Error(
      `${doing}: GitHub answered 404 for ${repository}. Install the mlgrade app on ${repository} (or on all repositories of its owner) and check that the repository exists.`,
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

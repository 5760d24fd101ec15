/**
 * Reads what GitHub says about waiting from a failed request: `retry-after` (seconds), or an exhausted
 * primary limit (`x-ratelimit-remaining: 0` with `x-ratelimit-reset`, epoch seconds), or a secondary
 * limit named only in the message. See "Rate limits for the REST API" in GitHub's documentation.
 */

/** What to do about a failed request. */
export type FailureVerdict =
  /** GitHub asked us to wait this long before any further request. */
  | { kind: 'rate-limited'; waitMs: number }
  /** A transient failure (5xx, network): back off and try again. */
  | { kind: 'transient' }
  /** The request itself is wrong (4xx): trying again cannot help. */
  | { kind: 'fatal' };

/** When GitHub signals a secondary limit without saying how long, its documentation says wait a minute. */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

type Headers = Record<string, string | number | undefined>;

/** The HTTP status and response headers of an Octokit `RequestError` (or anything shaped like one). */
export function failureOf(error: unknown): { status: number | undefined; headers: Headers; message: string } {
  const shaped = error as { status?: unknown; response?: { headers?: Headers }; message?: unknown } | null;
  return {
    status: typeof shaped?.status === 'number' && shaped.status > 0 ? shaped.status : undefined,
    headers: shaped?.response?.headers ?? {},
    message: typeof shaped?.message === 'string' ? shaped.message : String(error),
  };
}

/** Classifies a failed request; `nowMs` is the current time, for turning a reset epoch into a wait. */
export function classifyFailure(error: unknown, nowMs: number): FailureVerdict {
  const { status, headers, message } = failureOf(error);
  // Octokit reports network errors (no response at all) as status 500, or no status when not its own.
  if (status === undefined || status >= 500) return { kind: 'transient' };
  if (status !== 403 && status !== 429) return { kind: 'fatal' };
  const retryAfter = seconds(headers['retry-after']);
  if (retryAfter !== undefined) return { kind: 'rate-limited', waitMs: retryAfter * 1000 };
  const untilReset = resetWaitMs(headers, nowMs);
  if (untilReset !== undefined) return { kind: 'rate-limited', waitMs: untilReset };
  // A 403 that is not about rate limits is a permission problem: retrying will not grant it.
  if (status === 429 || /rate limit/i.test(message)) {
    return { kind: 'rate-limited', waitMs: SECONDARY_LIMIT_WAIT_MS };
  }
  return { kind: 'fatal' };
}

/**
 * How long until the primary limit resets, when a response (successful or not) says it is spent
 * (`x-ratelimit-remaining: 0`); undefined while requests remain.
 */
export function exhaustedWaitMs(response: unknown, nowMs: number): number | undefined {
  const headers = (response as { headers?: Headers } | null)?.headers;
  return headers ? resetWaitMs(headers, nowMs) : undefined;
}

function resetWaitMs(headers: Headers, nowMs: number): number | undefined {
  const reset = seconds(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) !== '0' || reset === undefined) return undefined;
  // The reset time is whole seconds; a second more avoids arriving just before it.
  return Math.max(0, reset * 1000 - nowMs) + 1000;
}

function seconds(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

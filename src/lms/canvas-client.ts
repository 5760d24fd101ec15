/**
 * A small Canvas REST client over the global `fetch`: the base URL and token come from the app's
 * environment (CANVAS_URL, CANVAS_TOKEN), never from the course config. It follows `Link` pagination,
 * backs off on throttling (403 "Rate Limit Exceeded", 429) and, for reads, on 5xx and network errors,
 * honours `Retry-After`, slows down when `X-Rate-Limit-Remaining` runs low, and counts every request
 * so syncs can report what they cost. Errors name what to fix (docs/lms.md, Canvas).
 */

/** What went wrong, for callers that branch on it (the sync falls back or re-reads on some). */
export type CanvasErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'throttled'
  | 'server'
  | 'network'
  | 'bad_response';

/** A Canvas request that failed for good (after any retries); `message` says what to do. */
export class CanvasError extends Error {
  constructor(
    message: string,
    readonly kind: CanvasErrorKind,
    readonly status: number | undefined,
    readonly method: string,
    readonly url: string,
    /** Canvas's answer (parsed JSON when it was JSON), for the ledger. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'CanvasError';
  }
}

/** Requests made, by what they were for; the figures syncs and benchmarks report. */
export interface CanvasRequestStats {
  /** Every HTTP request sent, retries included. */
  requests: number;
  /** Requests that were retries of a throttled or failed one. */
  retries: number;
  /** Answers that were throttling (403 Rate Limit Exceeded, 429). */
  throttled: number;
  /** Requests by label (`list-submissions`, `update-grades`, `progress`, `put-submission`, …). */
  byLabel: Record<string, number>;
  /** The sum of `X-Request-Cost` Canvas reported. */
  cost: number;
  /** The last `X-Rate-Limit-Remaining` seen. */
  rateLimitRemaining?: number;
}

export interface CanvasClientOptions {
  /** The Canvas root, e.g. `https://canvas.example.edu` (a trailing `/` or `/api/v1` is fine). */
  baseUrl: string;
  token: string;
  /** Waits between retries and polls; tests pass a fake that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries of one request after throttling or (reads only) a 5xx or network error. Default 6. */
  maxRetries?: number;
  /** First backoff delay in ms, doubled each retry up to `maxDelayMs`. Default 1000. */
  baseDelayMs?: number;
  /** Longest single wait in ms. Default 60000. */
  maxDelayMs?: number;
  /** Below this `X-Rate-Limit-Remaining`, wait `baseDelayMs` before the next request. Default 100. */
  lowQuota?: number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

export interface CanvasRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** A path under the base URL (`/api/v1/...`) or an absolute URL of the same Canvas (pagination). */
  path: string;
  query?: Record<string, string | number | readonly string[]>;
  body?: unknown;
  /** For the request counts. */
  label: string;
  /** What the request is about, for 404 messages ("course 12 assignment 34"). */
  about?: string;
}

export interface CanvasResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads CANVAS_URL and CANVAS_TOKEN; throws a message naming what is missing. */
export function canvasClientFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: Omit<CanvasClientOptions, 'baseUrl' | 'token'> = {},
): CanvasClient {
  const baseUrl = env.CANVAS_URL?.trim();
  const token = env.CANVAS_TOKEN?.trim();
  const missing = [!baseUrl && 'CANVAS_URL', !token && 'CANVAS_TOKEN'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(
      `Canvas sync needs ${missing.join(' and ')} in the app's environment (CANVAS_URL: your Canvas address, e.g. https://canvas.example.edu; CANVAS_TOKEN: an access token of a teacher of the course, Account → Settings → New access token). They are never read from the config repository. See docs/lms.md.`,
    );
  }
  return new CanvasClient({ ...options, baseUrl: baseUrl as string, token: token as string });
}

/** A Canvas REST client; one per sync keeps its request counts separate. */
export class CanvasClient {
  readonly baseUrl: string;
  readonly stats: CanvasRequestStats = { requests: 0, retries: 0, throttled: 0, byLabel: {}, cost: 0 };
  private readonly token: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly lowQuota: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: CanvasClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new Error(
        `CANVAS_URL is not a URL: ${JSON.stringify(options.baseUrl)} (e.g. https://canvas.example.edu).`,
      );
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new Error(`CANVAS_URL must be an https:// address, not ${base.protocol}`);
    }
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')}`;
    this.token = options.token;
    this.sleep = options.sleep ?? sleepReal;
    this.maxRetries = options.maxRetries ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.lowQuota = options.lowQuota ?? 100;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  /** Resets the counts (benchmarks measure one sync at a time). */
  resetStats(): void {
    Object.assign(this.stats, { requests: 0, retries: 0, throttled: 0, byLabel: {}, cost: 0 });
    this.stats.rateLimitRemaining = undefined;
  }

  /** Sends one request, retrying throttling (always) and 5xx/network errors (reads only). */
  async request<T>(req: CanvasRequest): Promise<CanvasResponse<T>> {
    const url = this.url(req.path, req.query);
    const isRead = req.method === 'GET';
    for (let attempt = 0; ; attempt++) {
      if (this.stats.rateLimitRemaining !== undefined && this.stats.rateLimitRemaining < this.lowQuota) {
        // Canvas refills the quota over time; a pause now is cheaper than a 403 later.
        await this.sleep(this.baseDelayMs);
      }
      this.stats.requests++;
      this.stats.byLabel[req.label] = (this.stats.byLabel[req.label] ?? 0) + 1;
      if (attempt > 0) this.stats.retries++;
      let response: Response;
      try {
        response = await this.fetchFn(url, {
          method: req.method,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
        });
      } catch (error) {
        // Whether a write reached Canvas is unknown: only reads are retried; the sync re-reads for writes.
        if (isRead && attempt < this.maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new CanvasError(
          `Could not reach Canvas at ${this.baseUrl} (${req.method} ${url}): ${(error as Error).message}`,
          'network',
          undefined,
          req.method,
          url,
        );
      }
      this.readQuota(response.headers);
      const text = await response.text();
      const body = parseBody(text);
      if (response.ok) {
        if (text !== '' && body === text && !looksJson(response)) {
          throw new CanvasError(
            `Canvas answered ${req.method} ${url} with something that is not JSON (is CANVAS_URL the Canvas address?).`,
            'bad_response',
            response.status,
            req.method,
            url,
            text.slice(0, 500),
          );
        }
        return { status: response.status, data: body as T, headers: response.headers };
      }
      const throttled = isThrottled(response.status, text);
      if (throttled) this.stats.throttled++;
      const retryable = throttled || (isRead && response.status >= 500);
      if (retryable && attempt < this.maxRetries) {
        await this.sleep(this.retryDelay(response.headers, attempt));
        continue;
      }
      throw this.error(req, url, response.status, body, throttled, attempt);
    }
  }

  /** GETs every page (`per_page=100`, following `Link: <…>; rel="next"`). */
  async getAll<T>(req: Omit<CanvasRequest, 'method' | 'body'>): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = req.path;
    let query: CanvasRequest['query'] = { per_page: 100, ...req.query };
    while (next) {
      const page: CanvasResponse<T[]> = await this.request<T[]>({ ...req, method: 'GET', path: next, query });
      if (!Array.isArray(page.data)) {
        throw new CanvasError(
          `Canvas answered ${next} with ${typeof page.data}, not a list.`,
          'bad_response',
          page.status,
          'GET',
          next,
          page.data,
        );
      }
      items.push(...page.data);
      next = nextLink(page.headers.get('link'));
      // The next link carries the query (and a page cursor) already.
      query = undefined;
    }
    return items;
  }

  private url(pathOrUrl: string, query?: CanvasRequest['query']): string {
    const url = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(`${this.baseUrl}${pathOrUrl}`);
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new Error(
        `Canvas pointed at ${url.origin}, not ${this.baseUrl}; refusing to send the token there.`,
      );
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, item);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private readQuota(headers: Headers): void {
    const cost = Number(headers.get('x-request-cost'));
    if (Number.isFinite(cost)) this.stats.cost += cost;
    const remaining = headers.get('x-rate-limit-remaining');
    if (remaining !== null && Number.isFinite(Number(remaining)))
      this.stats.rateLimitRemaining = Number(remaining);
  }

  private backoff(attempt: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
  }

  private retryDelay(headers: Headers, attempt: number): number {
    const retryAfter = headers.get('retry-after');
    if (retryAfter !== null) {
      const seconds = Number(retryAfter);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.min(this.maxDelayMs, seconds * 1000);
      const date = Date.parse(retryAfter);
      if (Number.isFinite(date)) return Math.min(this.maxDelayMs, Math.max(0, date - Date.now()));
    }
    return this.backoff(attempt);
  }

  private error(
    req: CanvasRequest,
    url: string,
    status: number,
    body: unknown,
    throttled: boolean,
    attempt: number,
  ): CanvasError {
    const what = `${req.method} ${url}`;
    const detail = canvasErrors(body);
    const make = (message: string, kind: CanvasErrorKind) =>
      new CanvasError(message, kind, status, req.method, url, body);
    if (throttled) {
      return make(
        `Canvas kept throttling (403 Rate Limit Exceeded) after ${attempt} retries of ${what}; wait a few minutes and sync again (grades already sent are in the ledger and are not sent twice).`,
        'throttled',
      );
    }
    if (status === 401) {
      return make(
        `Canvas rejected CANVAS_TOKEN (401 on ${what}${detail ? `: ${detail}` : ''}): the token is wrong, expired or revoked. Create a new one (Account → Settings → New access token) and set CANVAS_TOKEN.`,
        'unauthorized',
      );
    }
    if (status === 403) {
      return make(
        `Canvas refused ${what} (403${detail ? `: ${detail}` : ''}): the token's user may not grade ${req.about ?? 'this course'}; use a token of a teacher or TA of the course.`,
        'forbidden',
      );
    }
    if (status === 404) {
      return make(
        `Canvas has no ${req.about ?? 'such resource'} (404 on ${what}): check the course and assignment ids in the config (course.lms.canvas.course_id, assignment lms.canvas.assignment_id) and that CANVAS_URL (${this.baseUrl}) is your Canvas.`,
        'not_found',
      );
    }
    if (status === 400 || status === 422) {
      return make(
        `Canvas refused ${what} (${status}) for ${req.about ?? 'the request'}: ${detail || 'no reason given'}.`,
        'invalid',
      );
    }
    if (status >= 500) {
      return make(
        `Canvas failed on ${what} (${status}${detail ? `: ${detail}` : ''})${req.method === 'GET' ? ` after ${attempt} retries` : ''}; try again later.`,
        'server',
      );
    }
    return make(`Canvas answered ${status} to ${what}${detail ? `: ${detail}` : ''}.`, 'bad_response');
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function looksJson(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('json');
}

/** Canvas signals throttling with 403 and "Rate Limit Exceeded" in the body; 429 is treated alike. */
function isThrottled(status: number, text: string): boolean {
  return status === 429 || (status === 403 && /rate limit exceeded/i.test(text));
}

/** The `rel="next"` URL of a `Link` header. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match?.[2] && /rel="?next"?/.test(match[2])) return match[1];
  }
  return undefined;
}

/** Canvas's error texts: `{errors: [{message}]}`, `{errors: {field: [{message}]}}`, `{message}`. */
export function canvasErrors(body: unknown): string {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string') return body.slice(0, 300);
  if (typeof body !== 'object') return String(body);
  const record = body as Record<string, unknown>;
  const messages: string[] = [];
  const collect = (value: unknown, prefix = '') => {
    if (typeof value === 'string') messages.push(prefix + value);
    else if (Array.isArray(value)) for (const item of value) collect(item, prefix);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.message === 'string') messages.push(prefix + object.message);
      else for (const [key, inner] of Object.entries(object)) collect(inner, `${key}: `);
    }
  };
  if (record.errors !== undefined) collect(record.errors);
  else if (typeof record.message === 'string') messages.push(record.message);
  else if (typeof record.error === 'string') messages.push(record.error);
  return messages.join('; ').slice(0, 500);
}

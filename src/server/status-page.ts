/**
 * The grading queue as a student sees it, on the app's own HTTP server: `/mlgrade/status/<owner>/<repo>`
 * (an HTML page that refreshes itself while something waits) and `…/<repo>.json` (the same for
 * scripts). The first check run links here (`details_url`), so a student watching an attempt wait
 * costs reads of the ledger, never GitHub writes.
 *
 * Privacy: the page is public, for anyone who knows the repository's name. That is acceptable
 * because a repository's name is no secret to its own student (and the student is who gets the link),
 * and the page shows only what the check runs on that repository already show its readers — that
 * repository's attempts (short commit, assignment id, state, place in line, estimate) —
 * never a score, a log, a login, or anything of another repository but counts of the owner's line.
 * A name can be guessed (Classroom's `<assignment>-<login>`): the guesser learns when that student
 * pushed and whether an attempt was graded, never how it did (no conclusion: a pass or fail is
 * close to a grade); docs/deploy.md says how to keep the path inside a campus network.
 * An unknown name gets the same 404 as a repository without attempts, so the page says nothing about
 * which repositories exist beyond the ledger having attempts of them.
 */

import type { ServerResponse } from 'node:http';
import { plural } from '../config/config-problem.js';
import type { FinishedAttempt, OpenAttempt, QueueStatus } from '../store/queue-status.js';
import type { HttpHandler } from './endpoints.js';

/** What the page reads. */
export interface StatusPageSources {
  /** The queue as `repository` (`owner/name`) sees it; undefined when the ledger has no attempt of it. */
  queueStatus(repository: string): Promise<QueueStatus | undefined>;
  /** Told when the ledger failed; the page then says it is unavailable, without the message. */
  onError?: (error: Error) => void;
}

/** Where the pages live on the app's server. */
export const STATUS_PATH = '/mlgrade/status';

/** The page asks the browser to reload this often (seconds) while an attempt is open. */
export const REFRESH_SECONDS = 30;

// GitHub's rules: a login is 1–39 letters, digits and hyphens, not starting with a hyphen; a
// repository name is 1–100 letters, digits, `.`, `_` and `-`, and neither `.` nor `..`. Raw
// segments are matched undecoded, so `%2f`, `%2e` and any other escape fail here.
const OWNER = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** A request for the page of one repository. */
interface Target {
  repository: string;
  format: 'html' | 'json';
}

/** Builds the handler for `/mlgrade/status/…`; other paths fall through to Probot's. */
export function createStatusPage(sources: StatusPageSources): HttpHandler {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path !== STATUS_PATH && !path.startsWith(`${STATUS_PATH}/`)) return false;
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      send(res, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD.\n', head, { allow: 'GET, HEAD' });
      return true;
    }
    const target = parseStatusPath(path);
    if (!target) {
      const message = `Not found: expected ${STATUS_PATH}/<owner>/<repository>, a GitHub repository name.\n`;
      send(res, 404, 'text/plain; charset=utf-8', message, head);
      return true;
    }
    let status: QueueStatus | undefined;
    try {
      status = await sources.queueStatus(target.repository);
    } catch (error) {
      sources.onError?.(error as Error);
      const message = 'The grading queue cannot be read right now; try again in a minute.';
      const retry = { 'retry-after': '60' };
      if (target.format === 'json') sendJson(res, 503, { error: message }, head, retry);
      else sendHtml(res, 503, page('Grading queue unavailable', `<p>${message}</p>`, false), head, retry);
      return true;
    }
    if (target.format === 'json') {
      if (status) sendJson(res, 200, status, head);
      else sendJson(res, 404, { error: 'no attempts are recorded for this repository' }, head);
    } else if (status) sendHtml(res, 200, renderStatus(status), head);
    else sendHtml(res, 404, renderUnknown(target.repository), head);
    return true;
  };
}

/**
 * The page's address for `repository`, from `MLGRADE_PUBLIC_URL` (the app's public base URL, which
 * may carry a path prefix); undefined when it is unset or not an http(s) URL, or the name is not a
 * GitHub repository name, so that the check run then has no link rather than one GitHub refuses.
 */
export function statusPageUrl(env: NodeJS.ProcessEnv, repository: string): string | undefined {
  const base = publicBase(env);
  const [owner = '', name = '', ...rest] = repository.split('/');
  if (!base || rest.length > 0 || !validName(owner, name)) return undefined;
  // A name ending in `.json` would read as the JSON variant; the trailing slash keeps it the page.
  return `${base}${STATUS_PATH}/${owner}/${name}${name.endsWith('.json') ? '/' : ''}`;
}

/** What is wrong with `MLGRADE_PUBLIC_URL`, for a startup check; undefined when unset or fine. */
export function publicUrlProblem(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.MLGRADE_PUBLIC_URL?.trim();
  if (!value || publicBase(env)) return undefined;
  return `MLGRADE_PUBLIC_URL must be the app's public http(s) base URL, e.g. https://mlgrade.example.edu; got ${value}`;
}

/** `<repo>` → the page, `<repo>/` → the page, `<repo>.json` → JSON; anything else → undefined. */
export function parseStatusPath(path: string): Target | undefined {
  let rest = path.slice(STATUS_PATH.length + 1);
  if (rest.length > 160) return undefined;
  let format: Target['format'] = 'html';
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  else if (rest.endsWith('.json')) {
    format = 'json';
    rest = rest.slice(0, -'.json'.length);
  }
  const parts = rest.split('/');
  if (parts.length !== 2 || !validName(parts[0]!, parts[1]!)) return undefined;
  return { repository: `${parts[0]}/${parts[1]}`, format };
}

function validName(owner: string, name: string): boolean {
  return OWNER.test(owner) && NAME.test(name) && name !== '.' && name !== '..';
}

function publicBase(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.MLGRADE_PUBLIC_URL?.trim();
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    // origin drops credentials, query and fragment: none of them belongs in a link on a check run.
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

const STATE_LABELS: Record<string, string> = {
  queued: 'waiting',
  dispatched: 'waiting for a runner',
  running: 'being graded',
  completed: 'graded',
  timed_out: 'timed out',
  superseded: 'superseded by a newer push',
  infra_error: 'not graded (infrastructure error; does not count)',
  invalid_results: 'invalid results',
};

function renderStatus(status: QueueStatus): string {
  const { line } = status;
  const open =
    status.open.length === 0
      ? '<p>Nothing of this repository is waiting or being graded.</p>'
      : table(
          'Attempts of this repository waiting or being graded, oldest first',
          ['Commit', 'Assignment', 'State', 'Place in line', 'Estimated wait'],
          status.open.map((attempt) => [
            `<code>${escapeText(attempt.sha.slice(0, 7))}</code>`,
            escapeText(attempt.assignmentId),
            escapeText(attempt.grading ? 'being graded' : (STATE_LABELS[attempt.state] ?? attempt.state)),
            attempt.place === null ? '—' : String(attempt.place),
            escapeText(estimateText(attempt)),
          ]),
        );
  const recent =
    status.recent.length === 0
      ? '<p>No attempt of this repository has finished yet.</p>'
      : table(
          'Latest finished attempts of this repository, newest first',
          ['Commit', 'Assignment', 'Outcome', 'Finished'],
          status.recent.map((attempt) => [
            `<code>${escapeText(attempt.sha.slice(0, 7))}</code>`,
            escapeText(attempt.assignmentId),
            escapeText(outcomeText(attempt)),
            attempt.finishedAt ? time(attempt.finishedAt) : '—',
          ]),
        );
  const refreshing = status.open.length > 0;
  const body = `<h1>Grading queue of <code>${escapeText(status.repository)}</code></h1>
<p>As of ${time(status.asOf)}.${refreshing ? ` This page reloads every ${REFRESH_SECONDS} seconds.` : ''}</p>
<h2>Your attempts</h2>
${open}
<h2>The line</h2>
<p>${plural(line.waiting, 'attempt')} waiting, ${line.grading} being graded; ${plural(line.gradedLastHour, 'attempt')} graded in the last hour. These counts cover every repository graded by the same runners; the estimate is your place divided by that hourly pace.</p>
<h2>Finished</h2>
${recent}
<p>Scores and feedback are on the commit's check run on GitHub.</p>`;
  return page(`Grading queue: ${status.repository}`, body, refreshing);
}

function renderUnknown(repository: string): string {
  return page(
    'No attempts recorded',
    `<h1>No attempts recorded</h1>
<p>No attempts are recorded for <code>${escapeText(repository)}</code>. A push to a course repository appears here once mlgrade has received it.</p>`,
    false,
  );
}

function estimateText(attempt: OpenAttempt): string {
  if (attempt.grading) return 'being graded now';
  if (attempt.estimateMinutes === null) return 'no estimate yet (nothing graded in the last hour)';
  return `about ${plural(attempt.estimateMinutes, 'minute')}`;
}

function outcomeText(attempt: FinishedAttempt): string {
  return STATE_LABELS[attempt.state] ?? attempt.state;
}

function table(caption: string, headers: string[], rows: string[][]): string {
  const head = headers.map((header) => `<th scope="col">${escapeText(header)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<caption>${escapeText(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function page(title: string, body: string, refresh: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
${refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : ''}<title>${escapeText(title)}</title>
<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:50rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:600}th,td{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #888}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function time(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** Escapes text for HTML element content and quoted attribute values. */
function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // No script, no frames, no forms: the page is text and one inline style sheet.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function sendHtml(
  res: ServerResponse,
  status: number,
  body: string,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  send(res, status, 'text/html; charset=utf-8', body, head, extra);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`, head, extra);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(head ? undefined : body);
}

/**
 * The queue status page over real HTTP on 127.0.0.1: against a fixed status (escaping, shapes, the
 * paths it refuses) and against the real ledger (PGlite, and PostgreSQL when MLGRADE_TEST_DATABASE_URL
 * is set). Requests go through node:http, not fetch, so that paths reach the server as written (fetch
 * would resolve `..` before sending).
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpHandler } from '../../src/server/endpoints.js';
import {
  createStatusPage,
  publicUrlProblem,
  type StatusPageSources,
  statusPageUrl,
} from '../../src/server/status-page.js';
import { openMigratedSqlClient } from '../../src/store/open-ledger.js';
import { type QueueStatus, readQueueStatus } from '../../src/store/queue-status.js';
import { SqlLedger } from '../../src/store/sql-ledger.js';
import { backends, newAttempt } from '../store/ledger-backends.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Serves `handler` (then a bare 404, as Probot's would) on 127.0.0.1 and returns its port. */
async function serve(handler: HttpHandler): Promise<number> {
  const server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404, { 'x-fell-through': 'yes' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `path` exactly as written. */
function get(port: number, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const HOSTILE = `<script>alert("x")</script>&'`;
const AS_OF = new Date('2026-12-01T09:30:00Z');

/** A status as the ledger would give it, with text an instructor's config could make hostile. */
function fixedStatus(open = true): QueueStatus {
  return {
    repository: 'Course-Org/hw1-ada',
    asOf: AS_OF,
    line: { waiting: 12, grading: 3, gradedLastHour: 4 },
    open: open
      ? [
          {
            assignmentId: 'm1',
            sha: 'f00dfeed'.padEnd(40, '1'),
            state: 'running',
            grading: true,
            createdAt: AS_OF,
            place: null,
            estimateMinutes: null,
          },
          {
            assignmentId: HOSTILE,
            sha: 'c0ffee12'.padEnd(40, '2'),
            state: 'queued',
            grading: false,
            createdAt: AS_OF,
            place: 3,
            estimateMinutes: 45,
          },
        ]
      : [],
    recent: [
      {
        assignmentId: 'm0',
        sha: 'beefcafe'.padEnd(40, '3'),
        state: HOSTILE,
        finishedAt: new Date('2026-12-01T09:00:00Z'),
      },
    ],
  };
}

function fixedSources(status: QueueStatus | undefined, asked: string[] = []): StatusPageSources {
  return {
    queueStatus: async (repository) => {
      asked.push(repository);
      return repository.toLowerCase() === 'course-org/hw1-ada' ? status : undefined;
    },
  };
}

describe('status page over HTTP', () => {
  it("shows the repository's attempts, places and estimates, escaped, without caching", async () => {
    const asked: string[] = [];
    const port = await serve(createStatusPage(fixedSources(fixedStatus(), asked)));
    const page = await get(port, '/mlgrade/status/Course-Org/hw1-ada?from=check-run');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(asked).toEqual(['Course-Org/hw1-ada']);
    const html = page.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta http-equiv="refresh" content="30">');
    expect(html).toContain('<title>Grading queue: Course-Org/hw1-ada</title>');
    expect(html).toContain('<th scope="col">Place in line</th>');
    // Short commits; the running attempt is being graded, the queued one third with 45 minutes.
    expect(html).toContain('<tr><td><code>f00dfee</code></td><td>m1</td><td>being graded</td><td>—</td>');
    expect(html).toContain('<td>waiting</td><td>3</td><td>about 45 minutes</td>');
    expect(html).not.toContain('c0ffee12');
    expect(html).toContain('12 attempts waiting, 3 being graded; 4 attempts graded in the last hour');
    expect(html).toContain('<time datetime="2026-12-01T09:00:00.000Z">2026-12-01 09:00 UTC</time>');
    // Hostile text from the ledger arrives as text, never markup.
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(html).toContain('<td>&lt;script&gt;');
    // Whether an attempt passed is not shown: a conclusion is close to a grade.
    expect(html).not.toMatch(/success|failure/);
  });

  it('answers HEAD with the headers alone, and stops refreshing when nothing waits', async () => {
    const port = await serve(createStatusPage(fixedSources(fixedStatus(false))));
    const head = await get(port, '/mlgrade/status/Course-Org/hw1-ada', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const page = await get(port, '/mlgrade/status/Course-Org/hw1-ada/');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(page.body).toContain('Nothing of this repository is waiting or being graded.');
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(page.body));
  });

  it('gives the same status as JSON for scripts', async () => {
    const port = await serve(createStatusPage(fixedSources(fixedStatus())));
    const answer = await get(port, '/mlgrade/status/Course-Org/hw1-ada.json');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toEqual({
      repository: 'Course-Org/hw1-ada',
      asOf: '2026-12-01T09:30:00.000Z',
      line: { waiting: 12, grading: 3, gradedLastHour: 4 },
      open: [
        {
          assignmentId: 'm1',
          sha: 'f00dfeed'.padEnd(40, '1'),
          state: 'running',
          grading: true,
          createdAt: '2026-12-01T09:30:00.000Z',
          place: null,
          estimateMinutes: null,
        },
        {
          assignmentId: HOSTILE,
          sha: 'c0ffee12'.padEnd(40, '2'),
          state: 'queued',
          grading: false,
          createdAt: '2026-12-01T09:30:00.000Z',
          place: 3,
          estimateMinutes: 45,
        },
      ],
      recent: [
        {
          assignmentId: 'm0',
          sha: 'beefcafe'.padEnd(40, '3'),
          state: HOSTILE,
          finishedAt: '2026-12-01T09:00:00.000Z',
        },
      ],
    });
    const unknown = await get(port, '/mlgrade/status/Course-Org/nobody.json');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'no attempts are recorded for this repository' });
  });

  it('says only that no attempts are recorded for a repository it does not know', async () => {
    const port = await serve(createStatusPage(fixedSources(fixedStatus())));
    const page = await get(port, '/mlgrade/status/someone/private-thing');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('No attempts are recorded for <code>someone/private-thing</code>.');
  });

  it('refuses paths that are not a GitHub repository name with a plain 404, asking the ledger nothing', async () => {
    const asked: string[] = [];
    const port = await serve(createStatusPage(fixedSources(fixedStatus(), asked)));
    const refused = [
      '/mlgrade/status/..%2f..%2fetc/passwd',
      '/mlgrade/status/../../etc/passwd',
      '/mlgrade/status/owner/..',
      '/mlgrade/status/owner/.',
      '/mlgrade/status/%2e%2e/repo',
      '/mlgrade/status/owner%2frepo',
      '/mlgrade/status/owner/repo%2f..',
      '/mlgrade/status/owner/repo/extra',
      '/mlgrade/status/owner//repo',
      '/mlgrade/status/-owner/repo',
      '/mlgrade/status/own_er/repo',
      '/mlgrade/status/<script>/x',
      `/mlgrade/status/${'a'.repeat(40)}/repo`,
      `/mlgrade/status/owner/${'r'.repeat(101)}`,
      `/mlgrade/status/owner/${'r'.repeat(5000)}`,
      '/mlgrade/status/owner/re%20po',
      '/mlgrade/status/owner',
      '/mlgrade/status/',
      '/mlgrade/status',
    ];
    for (const path of refused) {
      const answer = await get(port, path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers['content-type'], path).toBe('text/plain; charset=utf-8');
      expect(answer.body, path).toBe(
        'Not found: expected /mlgrade/status/<owner>/<repository>, a GitHub repository name.\n',
      );
    }
    expect(asked).toEqual([]);
    // The longest valid names pass.
    await get(port, `/mlgrade/status/${'a'.repeat(39)}/${'r'.repeat(100)}`);
    expect(asked).toEqual([`${'a'.repeat(39)}/${'r'.repeat(100)}`]);
  });

  it('leaves other paths to the next handler and refuses other methods', async () => {
    const port = await serve(createStatusPage(fixedSources(fixedStatus())));
    expect((await get(port, '/mlgrade/statusx/a/b')).headers['x-fell-through']).toBe('yes');
    expect((await get(port, '/healthz')).headers['x-fell-through']).toBe('yes');
    const post = await get(port, '/mlgrade/status/Course-Org/hw1-ada', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('says the queue is unavailable when the ledger fails, without its message', async () => {
    const errors: string[] = [];
    const port = await serve(
      createStatusPage({
        queueStatus: async () => {
          throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
        },
        onError: (error) => errors.push(error.message),
      }),
    );
    for (const path of ['/mlgrade/status/o/r', '/mlgrade/status/o/r.json']) {
      const answer = await get(port, path);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('60');
      expect(answer.body).toContain('cannot be read right now');
      expect(answer.body).not.toContain('ECONNREFUSED');
    }
    expect(errors).toEqual(['connect ECONNREFUSED 10.0.0.5:5432', 'connect ECONNREFUSED 10.0.0.5:5432']);
  });
});

describe('statusPageUrl', () => {
  it('builds the link from MLGRADE_PUBLIC_URL, and none without it', () => {
    expect(statusPageUrl({}, 'o/r')).toBeUndefined();
    expect(statusPageUrl({ MLGRADE_PUBLIC_URL: ' ' }, 'o/r')).toBeUndefined();
    const env = { MLGRADE_PUBLIC_URL: 'https://grader.example.edu/' };
    expect(statusPageUrl(env, 'Course-Org/hw1-ada')).toBe(
      'https://grader.example.edu/mlgrade/status/Course-Org/hw1-ada',
    );
    expect(statusPageUrl({ MLGRADE_PUBLIC_URL: 'https://u:p@example.edu/apps/mlgrade//?x=1#y' }, 'o/r')).toBe(
      'https://example.edu/apps/mlgrade/mlgrade/status/o/r',
    );
    // A name ending in .json keeps the page with a trailing slash.
    expect(statusPageUrl(env, 'o/data.json')).toBe('https://grader.example.edu/mlgrade/status/o/data.json/');
    expect(statusPageUrl(env, 'o/../x')).toBeUndefined();
    expect(statusPageUrl(env, 'o')).toBeUndefined();
  });

  it('has no link for a base URL GitHub would refuse, and says so at startup', () => {
    for (const value of ['ftp://example.edu', 'grader.example.edu', 'javascript:alert(1)']) {
      expect(statusPageUrl({ MLGRADE_PUBLIC_URL: value }, 'o/r')).toBeUndefined();
      expect(publicUrlProblem({ MLGRADE_PUBLIC_URL: value })).toMatch(/^MLGRADE_PUBLIC_URL must be/);
    }
    expect(publicUrlProblem({})).toBeUndefined();
    expect(publicUrlProblem({ MLGRADE_PUBLIC_URL: 'http://localhost:3000' })).toBeUndefined();
  });

  it('links to a path the page answers', async () => {
    const port = await serve(createStatusPage(fixedSources(fixedStatus())));
    const url = statusPageUrl({ MLGRADE_PUBLIC_URL: `http://127.0.0.1:${port}` }, 'Course-Org/hw1-ada')!;
    expect((await get(port, new URL(url).pathname)).status).toBe(200);
  });
});

for (const backend of backends()) {
  describe(`status page on the ${backend().name} ledger`, () => {
    it("shows a waiting attempt's place among its owner's attempts and nothing of the others", async () => {
      const client = await openMigratedSqlClient(await backend().options());
      const ledger = new SqlLedger(client);
      closers.push(() => ledger.close());
      const owner = `course-${Math.random().toString(36).slice(2, 10)}`;
      const seed = async (repository: string, sha: string) =>
        (await ledger.createAttempt(newAttempt({ repository, sha: sha.padEnd(40, '0') }))).attempt;
      await seed(`${owner}/bob`, 'b0b');
      const mine = await seed(`${owner}/ada`, 'ada1');
      const graded = await seed(`${owner}/cy`, 'c10');
      await ledger.updateAttempt(graded.id, {
        state: 'completed',
        conclusion: 'success',
        completedAt: new Date(Date.now() - 5 * 60_000),
      });
      const port = await serve(
        createStatusPage({ queueStatus: (repository) => readQueueStatus(client, repository) }),
      );

      const page = await get(port, `/mlgrade/status/${owner}/ada`);
      expect(page.status).toBe(200);
      // Second in line behind bob; 1 graded in the last hour → 120 minutes.
      expect(page.body).toContain('<td><code>ada1000</code></td><td>m4</td><td>waiting</td><td>2</td>');
      expect(page.body).toContain('about 120 minutes');
      expect(page.body).toContain('2 attempts waiting, 0 being graded; 1 attempt graded');
      for (const hidden of ['bob', 'b0b', '/cy', 'c10']) expect(page.body).not.toContain(hidden);

      const json = JSON.parse((await get(port, `/mlgrade/status/${owner}/ada.json`)).body);
      expect(json.open).toEqual([expect.objectContaining({ sha: mine.sha, place: 2, estimateMinutes: 120 })]);
      expect((await get(port, `/mlgrade/status/${owner}/nobody`)).status).toBe(404);
    });
  });
}

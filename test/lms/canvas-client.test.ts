import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CanvasClient,
  CanvasError,
  canvasClientFromEnv,
  canvasErrors,
  nextLink,
} from '../../src/lms/canvas-client.js';
import { CANVAS, MockCanvas } from './canvas-mock.js';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

function setup(overrides: Partial<ConstructorParameters<typeof CanvasClient>[0]> = {}) {
  const mock = new MockCanvas().install();
  mock.enrol('12', '34', ['1', '2', '3']);
  const sleeps: number[] = [];
  const client = new CanvasClient({
    baseUrl: CANVAS,
    token: 'secret-token',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { mock, client, sleeps };
}

const list = {
  path: '/api/v1/courses/12/assignments/34/submissions',
  label: 'list',
  about: 'course 12 assignment 34',
};

describe('canvasClientFromEnv', () => {
  it('names every missing variable and says where they come from', () => {
    expect(() => canvasClientFromEnv({})).toThrow(
      /needs CANVAS_URL and CANVAS_TOKEN in the app's environment/,
    );
    expect(() => canvasClientFromEnv({ CANVAS_URL: 'https://canvas.test' })).toThrow(/needs CANVAS_TOKEN/);
    expect(() => canvasClientFromEnv({ CANVAS_URL: 'canvas', CANVAS_TOKEN: 't' })).toThrow(
      /CANVAS_URL is not a URL/,
    );
  });

  it('accepts a base URL with /api/v1 or a trailing slash', () => {
    expect(
      canvasClientFromEnv({ CANVAS_URL: 'https://canvas.test/api/v1/', CANVAS_TOKEN: 't' }).baseUrl,
    ).toBe(CANVAS);
  });
});

describe('CanvasClient', () => {
  it('sends the token as a bearer and follows Link pagination', async () => {
    const { mock, client } = setup();
    mock.perPage = 2;
    mock.enrol('12', '34', ['4', '5']);
    const all = await client.getAll<{ user_id: number }>(list);
    expect(all.map((s) => s.user_id)).toEqual([1, 2, 3, 4, 5]);
    expect(mock.requests).toHaveLength(3);
    expect(mock.requests.every((r) => r.authorization === 'Bearer secret-token')).toBe(true);
    expect(mock.requests[0]?.query.get('per_page')).toBe('100');
    expect(client.stats).toMatchObject({
      requests: 3,
      retries: 0,
      byLabel: { list: 3 },
      cost: 1.5,
      rateLimitRemaining: 650,
    });
  });

  it('backs off on 403 Rate Limit Exceeded, honouring Retry-After, for writes too', async () => {
    const { mock, client, sleeps } = setup();
    mock.faults.push({
      method: 'PUT',
      path: '/submissions/1',
      status: 403,
      body: '403 Forbidden (Rate Limit Exceeded)',
      headers: { 'retry-after': '3', 'x-rate-limit-remaining': '0' },
    });
    const { data } = await client.request<{ score: number }>({
      method: 'PUT',
      path: `${list.path}/1`,
      body: { submission: { posted_grade: '7' } },
      label: 'put',
    });
    expect(data.score).toBe(7);
    expect(sleeps).toContain(3000);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
  });

  it('retries a 5xx read with exponential backoff but never blindly retries a write', async () => {
    const { mock, client, sleeps } = setup({ baseDelayMs: 100 });
    mock.faults.push({ method: 'GET', path: '/submissions', status: 503, times: 2 });
    await client.getAll(list);
    expect(sleeps).toEqual([100, 200]);
    mock.faults.push({ method: 'PUT', path: '/submissions/1', status: 502 });
    const error = await client
      .request({ method: 'PUT', path: `${list.path}/1`, body: {}, label: 'put' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CanvasError);
    expect(error).toMatchObject({ kind: 'server', status: 502 });
    expect(mock.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('gives up after the bounded retries with a message', async () => {
    const { mock, client } = setup({ maxRetries: 2 });
    mock.faults.push({
      method: 'GET',
      path: '/submissions',
      status: 403,
      body: 'Rate Limit Exceeded',
      times: 10,
    });
    await expect(client.getAll(list)).rejects.toThrow(/kept throttling .* after 2 retries/);
    expect(mock.requests).toHaveLength(3);
  });

  it('slows down when X-Rate-Limit-Remaining runs low', async () => {
    const { mock, client, sleeps } = setup({ lowQuota: 700, baseDelayMs: 250 });
    await client.getAll(list);
    expect(sleeps).toEqual([]);
    await client.getAll(list);
    expect(sleeps).toEqual([250]);
    expect(mock.requests).toHaveLength(2);
  });

  it('explains 401, 404 and 422', async () => {
    const { mock, client } = setup();
    const bad = new CanvasClient({ baseUrl: CANVAS, token: 'wrong', sleep: async () => undefined });
    await expect(bad.getAll(list)).rejects.toThrow(
      /Canvas rejected CANVAS_TOKEN \(401 on GET https:\/\/canvas\.test\/api\/v1\/courses\/12.*Invalid access token.*set CANVAS_TOKEN/,
    );
    await expect(
      client.getAll({
        ...list,
        path: '/api/v1/courses/99/assignments/34/submissions',
        about: 'course 99 assignment 34',
      }),
    ).rejects.toThrow(
      /Canvas has no course 99 assignment 34 \(404 on GET https:\/\/canvas\.test\/api\/v1\/courses\/99\/.*course_id/,
    );
    mock.faults.push({
      method: 'PUT',
      path: '/submissions/2',
      status: 422,
      body: { errors: { posted_grade: [{ message: 'is not a number' }] } },
    });
    await expect(
      client.request({ method: 'PUT', path: `${list.path}/2`, body: {}, label: 'put', about: 'user 2' }),
    ).rejects.toThrow(/Canvas refused PUT .* \(422\) for user 2: posted_grade: is not a number/);
    expect(mock.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('refuses to follow a link to another host with the token', async () => {
    const { client } = setup();
    await expect(
      client.request({ method: 'GET', path: 'https://evil.test/api/v1/x', label: 'x' }),
    ).rejects.toThrow(/refusing to send the token there/);
  });

  it('parses Link headers and Canvas error bodies', () => {
    expect(nextLink('<https://c/a?page=2>; rel="next", <https://c/a?page=9>; rel="last"')).toBe(
      'https://c/a?page=2',
    );
    expect(nextLink('<https://c/a?page=1>; rel="current"')).toBeUndefined();
    expect(canvasErrors({ errors: [{ message: 'a' }, { message: 'b' }] })).toBe('a; b');
    expect(canvasErrors({ message: 'm' })).toBe('m');
    expect(canvasErrors('403 Forbidden (Rate Limit Exceeded)')).toBe('403 Forbidden (Rate Limit Exceeded)');
  });
});

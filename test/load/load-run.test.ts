/**
 * The load generator against an in-process server on 127.0.0.1 (bounded: a few hundred requests,
 * each run stops by itself). Behaviour only: counts, schedules and the effect of the correction.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseEnd, serialiseRequest } from '../../src/load/http-connection.js';
import { runLoad } from '../../src/load/load-run.js';
import { summariseLoad } from '../../src/load/load-summary.js';

let server: http.Server;
let port = 0;
let stallNext = false;
let requests = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    if (req.url === '/fail') res.statusCode = 500;
    if (stallNext) {
      stallNext = false;
      // Blocks the whole server, as a GC pause or a synchronous model load would.
      const until = Date.now() + 300;
      while (Date.now() < until);
    }
    res.end(req.url === '/chunked' ? undefined : 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ({ host: '127.0.0.1', port });

describe('open-loop load generator', () => {
  it('sends exactly rate × duration requests on schedule and counts them', async () => {
    const before = requests;
    const result = await runLoad({
      target: target(),
      requests: [serialiseRequest('GET', '/', 'x')],
      rate: 200,
      connections: 4,
      durationMs: 500,
    });
    expect(result.scheduled).toBe(101);
    expect(result.completed).toBe(101);
    expect(requests - before).toBe(101);
    expect(summariseLoad(result)).toMatchObject({ requests: 101, errors: 0, timeouts: 0, error_rate: 0 });
  });

  it('discards the warm-up and counts non-2xx answers as errors', async () => {
    const result = await runLoad({
      target: target(),
      requests: [serialiseRequest('POST', '/fail', 'x', '{}')],
      rate: 100,
      connections: 2,
      durationMs: 200,
      warmupMs: 200,
    });
    expect(result.completed).toBe(0);
    expect(result.errors).toBe(result.scheduled);
    expect(summariseLoad(result).p99_ms).toBeNull();
  });

  it('charges a server stall to every request that was due during it (coordinated omission)', async () => {
    stallNext = true;
    const result = await runLoad({
      target: target(),
      requests: [serialiseRequest('GET', '/', 'x')],
      rate: 200,
      connections: 1,
      durationMs: 600,
    });
    const summary = summariseLoad(result);
    // Requests queued behind the stall waited for it: their corrected latencies carry that wait,
    // while timing from the actual send hides it for all but the one stalled request.
    expect(result.corrected.getValueAtPercentile(90)).toBeGreaterThan(
      result.uncorrected.getValueAtPercentile(90) * 10,
    );
    expect(summary.p99_ms).toBeGreaterThanOrEqual(summary.uncorrected_p99_ms!);
  });

  it('runs closed-loop at saturation when the rate is 0, and stops by itself', async () => {
    const result = await runLoad({
      target: target(),
      requests: [serialiseRequest('GET', '/chunked', 'x')],
      rate: 0,
      connections: 2,
      durationMs: 200,
    });
    expect(result.completed).toBeGreaterThan(0);
    expect(result.completed).toBe(result.scheduled);
  });
});

describe('response framing', () => {
  it('finds the end of Content-Length, chunked and body-less responses', () => {
    const fixed = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1');
    expect(responseEnd(fixed)).toBe(fixed.indexOf('okHTTP') + 2);
    const chunked = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
    expect(responseEnd(chunked)).toBe(chunked.length);
    expect(responseEnd(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok'))).toBe(-1);
  });
});

/**
 * The service check starts real services in the real sandbox and load-tests them briefly (a few
 * hundred requests to a Unix socket on this machine; every run stops by itself).
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceCheck } from '../../src/checks/service.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';
import { sandboxProcessesAlive } from '../sandbox/sandbox-helpers.js';

const example = path.resolve(import.meta.dirname, '../../examples/submissions/service-node');
const neverReady = path.resolve(import.meta.dirname, '../fixtures/submissions/service-never-ready');
const SHORT = { rate: 100, connections: 4, duration_seconds: 1, warmup_seconds: 0.2 };

afterEach(async () => {
  expect(await sandboxProcessesAlive()).toBe(0);
});

describe('service check', () => {
  it('load-tests the example Node service: percentiles for single and batched requests, claims side by side', async () => {
    const outcome = await runCheck(serviceCheck, SHORT, contextFor(example));
    expect(outcome.status).toBe('pass');
    for (const kind of ['single', 'batch']) {
      expect(outcome.metrics![`${kind}.requests`]).toBe(101);
      expect(outcome.metrics![`${kind}.errors`]).toBe(0);
      const [p50, p99, max] = ['p50_ms', 'p99_ms', 'max_ms'].map(
        (stat) => outcome.metrics![`${kind}.${stat}`] as number,
      );
      expect(p50).toBeGreaterThan(0);
      expect(p99).toBeGreaterThanOrEqual(p50!);
      expect(max).toBeGreaterThanOrEqual(p99!);
    }
    const table = outcome.tables![0]!;
    expect(table.columns).toEqual(['measure', 'single', 'single reported', 'batch', 'batch reported']);
    expect(table.rows.find((row) => row[0] === 'p99 (ms)')).toEqual([
      'p99 (ms)',
      expect.any(Number),
      3.4,
      expect.any(Number),
      3.9,
    ]);
    expect(outcome.environment).toEqual({ device: 'cpu' });
  });

  it('fails an SLO the service cannot meet and names the bound', async () => {
    const outcome = await runCheck(serviceCheck, { ...SHORT, slo: { p99_ms: 0.001 } }, contextFor(example));
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics!.slo_violations).toBe(1);
    expect(outcome.findings![0]!.message).toMatch(/^SLO: single p99 is .* ms, above the 0\.001 ms objective/);
  });

  it('reports a service that never becomes ready, with its output, and leaves nothing running', async () => {
    const outcome = await runCheck(serviceCheck, { ...SHORT, ready_seconds: 3 }, contextFor(neverReady));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('The service did not become ready');
    expect(outcome.findings![0]!.message).toContain('never answered GET /health with 2xx within 3 s');
    expect(outcome.logs!.join('\n')).toContain('model.bin: No such file or directory');
  });

  it('refuses a declaration without a command or port, pointing at the file', async () => {
    const dir = await tempDir({ 'service.yaml': 'requests: r.jsonl\n' });
    const outcome = await runCheck(serviceCheck, SHORT, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings!.map((f) => f.message.split(':')[1]!.trim().split(' ')[0])).toEqual([
      '`command`',
      '`port`',
    ]);
  });
});

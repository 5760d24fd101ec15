/**
 * End to end through `mlgrade grade` with the demo course: the example service is load-tested in the
 * sandbox and its percentiles reach the rendered Markdown and a valid results file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResults } from '../../src/results/validate-results.js';
import { EXAMPLE_CONFIG, exampleSubmission, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('mlgrade grade on the example service', () => {
  it('renders the load-test percentiles and records the device', async () => {
    const out = await tempDir();
    const json = path.join(out, 'results.json');
    const markdown = path.join(out, 'results.md');
    const args = [
      'grade',
      exampleSubmission('service-node'),
      '--config',
      EXAMPLE_CONFIG,
      '--json',
      json,
      '--markdown',
      markdown,
    ];
    const { code, stdout } = await runCli(args);
    expect(stdout).toMatch(/✓ Service load-tested at 200 req\/s\s+pass/);
    expect(code).toBe(0);
    const results = JSON.parse(await readFile(json, 'utf8'));
    const validation = validateResults(results);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    expect(results.environment.device).toBe('cpu');
    expect(results.checks[0].metrics['single.p99_ms']).toBeGreaterThan(0);
    const report = await readFile(markdown, 'utf8');
    for (const row of ['p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'throughput (req/s)'])
      expect(report).toContain(row);
  });
});

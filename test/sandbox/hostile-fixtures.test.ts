/**
 * Every hostile fixture under test/fixtures/submissions/ runs in the real sandbox and is contained:
 * stopped by its limit, refused by the isolation, explained by a finding, and leaves no process.
 */

import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explainRun, limitHit } from '../../src/sandbox/explain-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixtureDir, runFixture, SANDBOX_MODES, sandboxProcessesAlive } from './sandbox-helpers.js';

const messages = (findings: { message: string }[]) => findings.map((finding) => finding.message).join('\n');

afterEach(async () => {
  expect(await sandboxProcessesAlive()).toBe(0);
});

describe.each(SANDBOX_MODES)('hostile submissions in the sandbox (mode %s)', (mode) => {
  it('stops an infinite loop at the wall-clock limit', async () => {
    const { result, policy } = await runFixture('infinite-loop', {}, [], mode);
    expect(result.timedOut).toBe(true);
    expect(limitHit(result)).toBe('wall');
    expect(messages(explainRun(result, policy, 'The command'))).toContain('4 s wall-clock limit');
  });

  it('refuses a process bomb past the process limit and kills what it started', async () => {
    const { result, policy } = await runFixture('process-bomb', {}, [], mode);
    expect(limitHit(result)).toBe('processes');
    expect(messages(explainRun(result, policy, 'The command'))).toContain('more than 32 processes');
  });

  it('stops a memory hog at the address-space limit', async () => {
    const { result, policy } = await runFixture('memory-hog', {}, [], mode);
    expect(result.output).not.toContain('allocated');
    expect(limitHit(result)).toBe('memory');
    expect(messages(explainRun(result, policy, 'The command'))).toContain('ran out of memory');
  });

  it('stops a 200 MB print at the output budget', async () => {
    const { result, policy } = await runFixture('prints-200mb', {}, [], mode);
    expect(result.outputExceeded).toBe(true);
    expect(result.outputBytes).toBeLessThan(50 * 1024 * 1024);
    expect(result.output.length).toBeLessThanOrEqual(16 * 1024);
    expect(messages(explainRun(result, policy, 'The command'))).toContain('printed over 1048576 bytes');
  });
});

describe.each(SANDBOX_MODES)('isolation (mode %s)', (mode) => {
  let server: Server;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the command no network, not even the grader loopback', async () => {
    const port = (server.address() as { port: number }).port;
    const { result, policy } = await runFixture('network-access', { TARGET_PORT: String(port) }, [], mode);
    expect(result.output).not.toContain('CONNECTED');
    expect(connections).toBe(0);
    expect(messages(explainRun(result, policy, 'The command'))).toContain('network');
  });

  it('never mounts the hidden data, even at the path the grader uses', async () => {
    const hidden = await tempDir({ 'labels.csv': 'id,label\n1,SECRET-LABEL\n' });
    const labels = path.join(hidden, 'labels.csv');
    const { result, policy } = await runFixture(
      'reads-hidden-labels',
      { HIDDEN_LABELS: labels },
      [hidden],
      mode,
    );
    expect(result.output).not.toContain('SECRET-LABEL');
    expect(result.exitCode).not.toBe(0);
    expect(messages(explainRun(result, policy, 'The command'))).toContain('hidden test data never is');
  });

  it('lets the command write only inside its own copy', async () => {
    const original = fixtureDir('writes-outside');
    const before = readdirSync(original).sort();
    const { result, policy } = await runFixture('writes-outside', { ORIGINAL_DIR: original }, [], mode);
    expect(result.output).not.toContain('WROTE');
    expect(readdirSync(original).sort()).toEqual(before);
    expect(existsSync('/usr/local/escaped.txt') || existsSync('/etc/escaped.txt')).toBe(false);
    expect(messages(explainRun(result, policy, 'The command'))).toContain('outside its copy');
  });

  it('keeps a forged mlgrade-results.json inside the discarded copy', async () => {
    const original = fixtureDir('writes-results-json');
    const { result, workDir } = await runFixture('writes-results-json', { ORIGINAL_DIR: original }, [], mode);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('WROTE mlgrade-results.json');
    expect(existsSync(path.join(original, 'mlgrade-results.json'))).toBe(false);
    expect(existsSync(workDir)).toBe(false);
  });
});

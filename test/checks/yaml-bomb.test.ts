/**
 * Hostile submissions: a YAML alias bomb ("billion laughs") in a student's YAML. The yaml package
 * refuses to expand it (maxAliasCount) by throwing, which used to escape as "internal error — bug
 * in mlgrade" with the points pending; every reader of student YAML must turn it into a finding
 * that names the file and the line of the first alias.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentCheck } from '../../src/checks/experiment.js';
import { reproduceCheck } from '../../src/checks/reproduce.js';
import { readExperiment } from '../../src/checks/reproduce-experiment.js';
import { readMetricsFile } from '../../src/checks/reproduce-metrics.js';
import { readServiceDeclaration } from '../../src/checks/service-declaration.js';
import { parseLocated } from '../../src/checks/yaml-locate.js';
import { InputFileError } from '../../src/files/input-files.js';
import { contextFor, runCheck, tempDir } from '../helpers/temp-dir.js';

const BOMB = readFileSync(path.resolve(import.meta.dirname, '../fixtures/hostile/alias-bomb.yaml'), 'utf8');
/** The fixture's first alias (`*a`) is on line 5, under the comment, command, seed and `lol` lines. */
const FIRST_ALIAS_LINE = 5;

describe('a YAML alias bomb in student YAML is a finding, not an internal error', () => {
  it('parseLocated reports it as an error with the line of the first alias, never throwing', () => {
    const document = parseLocated(BOMB);
    expect(document.value).toBeUndefined();
    expect(document.errors).toHaveLength(1);
    expect(document.errors[0]!.line).toBe(FIRST_ALIAS_LINE);
    expect(document.errors[0]!.message).toMatch(/aliases .* expand to too many nodes/);
  });

  it('parseLocated still expands a few honest aliases', () => {
    const document = parseLocated('base: &b {lr: 0.1}\nrun: *b\n');
    expect(document.errors).toEqual([]);
    expect(document.value).toEqual({ base: { lr: 0.1 }, run: { lr: 0.1 } });
  });

  it('parseLocated does not call an alias with no anchor a bomb, and names its line', () => {
    // `*x` on line 3 has no `&x` anchor: yaml's toJS throws "Unresolved alias", not the alias-count error.
    const document = parseLocated('seed: 1\nbase: &b 2\ncommand: *x\nagain: *b\n');
    expect(document.value).toBeUndefined();
    expect(document.errors).toHaveLength(1);
    expect(document.errors[0]!.line).toBe(3);
    expect(document.errors[0]!.message).toMatch(/could not be built \(Unresolved alias/);
    expect(document.errors[0]!.message).not.toMatch(/alias bomb/);
  });

  it('experiment: fails with the file, the line and what to do', async () => {
    const dir = await tempDir({ 'experiment.yaml': BOMB });
    const outcome = await runCheck(experimentCheck, {}, contextFor(dir));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings![0]).toMatchObject({
      level: 'error',
      file: 'experiment.yaml',
      line: FIRST_ALIAS_LINE,
    });
    expect(outcome.findings![0]!.message).toMatch(/experiment\.yaml does not parse: .*write the values out/);
  });

  it('reproduce: the declared run is refused with the parse finding', async () => {
    const dir = await tempDir({ 'experiment.yaml': BOMB });
    const run = await readExperiment(dir, 'experiment.yaml');
    expect('failure' in run).toBe(true);
    if (!('failure' in run)) return;
    expect(run.failure.status).toBe('fail');
    expect(run.failure.findings).toEqual([
      expect.objectContaining({ level: 'error', file: 'experiment.yaml', line: FIRST_ALIAS_LINE }),
    ]);
  });

  it('reproduce: a bomb as the metrics file is an InputFileError with its line', async () => {
    const dir = await tempDir({ 'metrics.yaml': BOMB });
    const error = await readMetricsFile(dir, 'metrics.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).line).toBe(FIRST_ALIAS_LINE);
    expect((error as InputFileError).message).toMatch(/metrics\.yaml does not parse: .*aliases/);
  });

  it('reproduce: a bomb as the claimed metrics fails the check on its line, before any run', async () => {
    const dir = await tempDir({
      'experiment.yaml': 'command: python train.py\nseed: 1\n',
      'metrics.yaml': BOMB,
    });
    const outcome = await runCheck(
      reproduceCheck,
      { metrics: { accuracy: { abs: 0.01 } }, claimed: 'metrics.yaml' },
      contextFor(dir),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toEqual([
      expect.objectContaining({ level: 'error', file: 'metrics.yaml', line: FIRST_ALIAS_LINE }),
    ]);
    expect(outcome.findings![0]!.message).toMatch(/metrics\.yaml does not parse: .*alias bomb/);
  });

  it('service: a bomb as service.yaml or as its reported-latency file is a finding', async () => {
    const dir = await tempDir({ 'service.yaml': BOMB });
    const findings = await readServiceDeclaration(dir, 'service.yaml');
    expect(Array.isArray(findings)).toBe(true);
    expect(findings).toEqual([
      expect.objectContaining({ level: 'error', file: 'service.yaml', line: FIRST_ALIAS_LINE }),
    ]);
    const reported = await tempDir({
      'service.yaml':
        'command: python serve.py\nport: 8000\nrequests: requests.jsonl\nreported: latency.yaml\n',
      'requests.jsonl': '{"path": "/predict", "body": {"x": 1}}\n',
      'latency.yaml': BOMB,
    });
    const second = await readServiceDeclaration(reported, 'service.yaml');
    expect(second).toEqual([
      expect.objectContaining({ level: 'error', file: 'latency.yaml', line: FIRST_ALIAS_LINE }),
    ]);
  });
});

/**
 * Reads what the student declares about their service (service.yaml): the command, its port, the
 * readiness path, the request file (JSONL, single and batched examples) and the latencies they
 * reported. Every problem becomes a finding on the file and line.
 */

import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { serialiseRequest } from '../load/http-connection.js';
import type { Finding } from '../results/results-schema.js';
import { parseLocatedOrThrow } from './yaml-locate.js';

/** Request kinds load-tested separately. */
export type RequestKind = 'single' | 'batch';

/** The student's declaration, ready to run. */
export interface ServiceDeclaration {
  file: string;
  command: string;
  port: number;
  ready: string;
  requests: Map<RequestKind, Buffer[]>;
  /** Reported latencies by kind, e.g. reported.get('single')?.p99_ms. */
  reported: Map<RequestKind, { p95_ms?: number; p99_ms?: number }>;
}

const read = async (root: string, file: string) =>
  (await readInputFile(await resolveInside(root, file), file, { maxBytes: 4 * 1024 * 1024 })).toString(
    'utf8',
  );

/** Reads the declaration or returns the findings explaining why it cannot be used. */
export async function readServiceDeclaration(
  root: string,
  file: string,
): Promise<ServiceDeclaration | Finding[]> {
  try {
    const document = parseLocatedOrThrow(await read(root, file), file);
    const value = (document.value ?? {}) as Record<string, unknown>;
    const problems: Finding[] = [];
    const need = (ok: boolean, key: string, what: string) => {
      if (!ok)
        problems.push({
          level: 'error',
          file,
          ...lineOf(document.lineOf([key])),
          message: `${file}: \`${key}\` ${what}.`,
        });
    };
    need(
      typeof value.command === 'string' && value.command.trim() !== '',
      'command',
      'must be the command that starts your service, e.g. "python serve.py"',
    );
    need(
      Number.isInteger(value.port) && Number(value.port) > 0 && Number(value.port) < 65536,
      'port',
      'must be the TCP port the service listens on (it also gets $PORT)',
    );
    need(
      typeof value.requests === 'string',
      'requests',
      'must name a JSONL file of example requests ({"method": "POST", "path": "/predict", "body": {...}, "batch": false})',
    );
    if (problems.length > 0) return problems;
    const requests = parseRequests(await read(root, String(value.requests)), String(value.requests));
    if (!(requests instanceof Map)) return requests;
    const reported =
      typeof value.reported === 'string' ? await readReported(root, value.reported) : new Map();
    const ready = typeof value.ready === 'string' && value.ready.startsWith('/') ? value.ready : '/health';
    return { file, command: String(value.command), port: Number(value.port), ready, requests, reported };
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    const hint = 'declare your service in service.yaml: command, port, ready, requests, reported';
    return [
      { level: 'error', file: error.file, ...lineOf(error.line), message: `${error.message}; ${hint}.` },
    ];
  }
}

function parseRequests(text: string, file: string): Map<RequestKind, Buffer[]> | Finding[] {
  const requests = new Map<RequestKind, Buffer[]>();
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let row: { method?: string; path?: string; body?: unknown; batch?: boolean };
    try {
      row = JSON.parse(line);
    } catch {
      return [
        { level: 'error', file, line: index + 1, message: `${file} line ${index + 1} is not a JSON object.` },
      ];
    }
    if (typeof row.path !== 'string' || !row.path.startsWith('/')) {
      return [
        {
          level: 'error',
          file,
          line: index + 1,
          message: `${file} line ${index + 1} needs a "path" starting with /.`,
        },
      ];
    }
    const kind: RequestKind = row.batch === true ? 'batch' : 'single';
    const method = (row.method ?? (row.body === undefined ? 'GET' : 'POST')).toUpperCase();
    const body = row.body === undefined ? undefined : JSON.stringify(row.body);
    requests.set(kind, [
      ...(requests.get(kind) ?? []),
      serialiseRequest(method, row.path, 'localhost', body),
    ]);
  }
  if (requests.size === 0) return [{ level: 'error', file, message: `${file} holds no requests.` }];
  return requests;
}

async function readReported(root: string, file: string) {
  const value = parseLocatedOrThrow(await read(root, file), file).value as
    | Record<string, unknown>
    | undefined;
  const reported = new Map<RequestKind, { p95_ms?: number; p99_ms?: number }>();
  const pick = (entry: unknown) => {
    const record = (entry ?? {}) as Record<string, unknown>;
    const number = (key: string) => (typeof record[key] === 'number' ? (record[key] as number) : undefined);
    return {
      ...(number('p95_ms') === undefined ? {} : { p95_ms: number('p95_ms') }),
      ...(number('p99_ms') === undefined ? {} : { p99_ms: number('p99_ms') }),
    };
  };
  if (value?.single || value?.batch) {
    if (value.single) reported.set('single', pick(value.single));
    if (value.batch) reported.set('batch', pick(value.batch));
  } else if (value) reported.set('single', pick(value));
  return reported;
}

function lineOf(line: number | undefined) {
  return line ? { line } : {};
}

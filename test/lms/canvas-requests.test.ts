/**
 * The figures issue 11 asks for: Canvas requests of a 30- and a 300-student sync, bulk vs per student,
 * measured against the mock (one Progress poll answers `running`, the next `completed`). Printed, and
 * pinned so a change in the request pattern is noticed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanvasClient } from '../../src/lms/canvas-client.js';
import { canvasTargets, syncCanvas } from '../../src/lms/canvas-sync.js';
import { SqlSyncStore } from '../../src/store/lms-syncs.js';
import { migrate } from '../../src/store/migrations.js';
import { openSqlClient } from '../../src/store/open-ledger.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { CANVAS, MockCanvas, makeClass } from './canvas-mock.js';

let dir: string;
let db: SqlClient;
beforeAll(async () => {
  nock.disableNetConnect();
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlgrade-canvas-requests-'));
  db = await openSqlClient({ dataDir: dir, databaseUrl: '' });
  await migrate(db);
});
afterAll(async () => {
  nock.cleanAll();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const figures: string[] = [];
afterAll(() => {
  console.log(`\nCanvas requests per sync (mock, 100 per page):\n${figures.join('\n')}\n`);
});

let course = 500;
async function measure(students: number, method: 'bulk' | 'per-student') {
  nock.cleanAll();
  const courseId = String(course++);
  const mock = new MockCanvas().install();
  const { grades, roster, users } = makeClass(students);
  mock.enrol(courseId, '9', users);
  const client = new CanvasClient({ baseUrl: CANVAS, token: 'secret-token', sleep: async () => undefined });
  const input = {
    client,
    store: new SqlSyncStore(db),
    grades,
    roster,
    targets: canvasTargets({ canvas: { course_id: courseId } }, [
      { id: 'm4', lms: { canvas: { assignment_id: '9' } } },
    ]),
    requestedBy: 'bench',
    method,
    sleep: async () => undefined,
  };
  const first = await syncCanvas(input);
  const firstRequests = client.stats.requests;
  client.resetStats();
  const second = await syncCanvas(input);
  figures.push(
    `  ${String(students).padStart(3)} students, ${method.padEnd(11)}: ${String(firstRequests).padStart(3)} requests (${Object.entries(
      first.requests.byLabel,
    )
      .map(([label, count]) => `${count} ${label}`)
      .join(', ')}); a repeat: ${client.stats.requests} (${second.summary})`,
  );
  expect(first.counts.confirmed).toBe(students);
  expect(second.summary).toBe(`${students} unchanged`);
  return { first: firstRequests, second: client.stats.requests };
}

describe('Canvas requests per sync', () => {
  it.each([
    [30, 'bulk', 6, 1],
    [30, 'per-student', 33, 1],
    [300, 'bulk', 16, 3],
    [300, 'per-student', 307, 3],
  ] as const)('%i students, %s: %i requests, a repeat %i', async (students, method, expected, repeat) => {
    expect(await measure(students, method)).toEqual({ first: expected, second: repeat });
  });
});

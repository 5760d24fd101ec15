/**
 * `mlgrade report` on real PGlite ledgers: the hand-worked class of test/analytics/small-class.ts in
 * every format (CSV and JSON the same figures), anonymous ids (stable, per course, no login left),
 * the report secret, k < 5 suppression, and bad input (unknown assignment, empty ledger, one student).
 */
import { createHmac } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassReport } from '../../src/analytics/report-model.js';
import { reportRows } from '../../src/analytics/report-rows.js';
import { reportCommand } from '../../src/cli/report-command.js';
import { seedLedger, writeCourse } from '../analytics/seed-class.js';
import { LOGINS, NOW, SMALL_ATTEMPTS, SMALL_MANUAL } from '../analytics/small-class.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir = '';
let ledgerDir = '';
let configFile = '';
let otherConfig = '';

beforeAll(async () => {
  dir = await tempDir();
  ledgerDir = path.join(dir, 'state', 'ledger');
  const intro = await writeCourse(dir);
  configFile = intro.file;
  const other = await writeCourse(dir, 'other-ml');
  otherConfig = other.file;
  await seedLedger(ledgerDir, intro.course, SMALL_ATTEMPTS, SMALL_MANUAL);
  // di fails three times in the other course too, so the two courses' ids for di can be compared.
  const failing = { login: 'di', assignment: 'm1', files: false, accuracy: 0.4 };
  await seedLedger(ledgerDir, other.course, [
    { ...failing, at: '2026-09-20T10:00:00Z' },
    { ...failing, at: '2026-09-21T10:00:00Z' },
    { ...failing, at: '2026-09-22T10:00:00Z' },
  ]);
}, 90_000);

const report = (...more: string[]) =>
  runCli(['report', '--config', configFile, '--ledger', ledgerDir, '--now', NOW, ...more]);

/** Parses CSV with quoted fields (the renderer's own quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r') {
      // CRLF: the \n ends the row.
    } else if (c === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

/** Names of figures that count students; none may be 1 to 4 anywhere. */
const COUNT_KEYS = new Set([
  'students',
  'submitted',
  'graded',
  'passing',
  'complete',
  'late',
  'rejected',
  'scored',
  'pendingManual',
  'count',
]);

/** Every count of students in the model that is a number from 1 to 4 (there must be none). */
function smallGroups(value: unknown, where = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => smallGroups(item, `${where}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) =>
      COUNT_KEYS.has(key) && typeof inner === 'number' && inner >= 1 && inner <= 4
        ? [`${where}.${key}=${inner}`]
        : smallGroups(inner, `${where}.${key}`),
    );
  return [];
}

describe('mlgrade report', () => {
  it('prints the class view: completion, attempts, scores with a bar per bin, criteria, early warning', async () => {
    const { code, stdout, stderr } = await report();
    expect(code).toBe(0);
    expect(stderr).toBe(''); // not a terminal: no progress
    expect(stdout).toContain('Class report: Intro to ML (intro-ml), as of 2026-10-12T00:00:00.000Z');
    expect(stdout).toContain('Students with an attempt: 7');
    expect(stdout).toContain('m1  Milestone 1  (100 points, due 2026-10-01T23:59:00.000Z)');
    expect(stdout).toContain('  submitted 7   graded 6   passing 5   complete fewer than 5');
    expect(stdout).toContain('  attempts per student: mean 1.5, median 1, max 3 (over 6 students)');
    expect(stdout).toContain('  scores (% of max): count 6, mean 64.17, median 62.5, Q1 55, Q3 77.5');
    expect(stdout).toMatch(/^ {5}20-30% \| fewer than 5$/m);
    expect(stdout).toMatch(/^ {6}0-10% \| 0$/m);
    expect(stdout).toMatch(/^ {2}accuracy\s+60\s+6\s+45\.83\s+14\.17\s+85\s+0$/m);
    expect(stdout).toContain('  costs the class most points: accuracy');
    expect(stdout).toMatch(/withheld \(about fewer than 5 students\): .*late\.late/);
    expect(stdout).toMatch(
      /^ {2}di\s+m1\s+failing-streak\s+check files failed in each of the last 3 graded attempts at m1$/m,
    );
    expect(stdout).toMatch(/^ {2}gus\s+m2\s+no-attempt\s+no attempt at m2, due in 3 days/m);
  });

  it('writes CSV and JSON with the same figures', async () => {
    const json = await report('--format', 'json');
    const csv = await report('--format', 'csv');
    expect(json.code).toBe(0);
    expect(csv.code).toBe(0);
    const model = JSON.parse(json.stdout) as ClassReport;
    expect(model.assignments[0]!.scores).toMatchObject({
      count: 6,
      mean: 64.17,
      median: 62.5,
      q1: 55,
      q3: 77.5,
    });
    const text = (value: unknown) =>
      value === null
        ? ''
        : typeof value === 'object'
          ? (value as { suppressed: string }).suppressed
          : String(value);
    const expected = reportRows(model).map((row) => [
      row.section,
      row.assignment,
      row.item,
      row.figure,
      text(row.value),
    ]);
    const parsed = parseCsv(csv.stdout);
    expect(parsed[0]).toEqual(['section', 'assignment', 'item', 'figure', 'value']);
    expect(parsed.slice(1)).toEqual(expected);
    expect(parsed).toContainEqual(['assignment', 'm1', '', 'scores.median', '62.5']);
    expect(parsed).toContainEqual(['assignment', 'm1', '', 'complete', 'fewer than 5']);
    expect(parsed).toContainEqual(['histogram', 'm1', '20-30%', 'students', 'fewer than 5']);
    expect(parsed).toContainEqual([
      'early-warning',
      'm1',
      'di',
      'below-threshold',
      '25% on m1, below the 50% threshold',
    ]);
  });

  it('never shows a cohort figure about 1 to 4 students', async () => {
    const model = JSON.parse((await report('--format', 'json')).stdout) as ClassReport;
    expect(smallGroups(model)).toEqual([]);
    // The check itself finds a small group when one is there.
    expect(smallGroups({ assignments: [{ passing: 3 }] })).toEqual(['.assignments[0].passing=3']);
  });

  it('replaces every login with a stable anonymous id kept in report-secret beside the ledger', async () => {
    const outputs = await Promise.all(
      ['table', 'csv', 'json'].map(
        async (format) => (await report('--anonymous', '--format', format)).stdout,
      ),
    );
    for (const output of outputs) {
      for (const login of LOGINS)
        expect(output).not.toMatch(new RegExp(`(^|[^a-z0-9])${login}([^a-z0-9]|$)`, 'm'));
      expect(output).not.toContain('intro-org/');
    }
    const model = JSON.parse(outputs[2]!) as ClassReport;
    expect(model.anonymous).toBe(true);
    for (const warning of model.earlyWarning) expect(warning.student).toMatch(/^s-[0-9a-f]{10}$/);

    const secretFile = path.join(dir, 'state', 'report-secret');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const expectedId = (course: string, login: string) =>
      `s-${createHmac('sha256', secret).update(`${course}\0${login}`).digest('hex').slice(0, 10)}`;
    const di = expectedId('intro-ml', 'di');
    expect(model.earlyWarning.filter((w) => w.kind === 'failing-streak').map((w) => w.student)).toEqual([
      di,
      di,
    ]);

    // A second run: the same ids.
    const again = JSON.parse((await report('--anonymous', '--format', 'json')).stdout) as ClassReport;
    expect(again.earlyWarning).toEqual(model.earlyWarning);

    // Another course: another id for the same student.
    const other = await runCli([
      'report',
      '--config',
      otherConfig,
      '--ledger',
      ledgerDir,
      '--now',
      NOW,
      '--anonymous',
      '--format',
      'json',
    ]);
    const otherModel = JSON.parse(other.stdout) as ClassReport;
    const otherDi = otherModel.earlyWarning.find((w) => w.kind === 'failing-streak')!.student;
    expect(otherDi).toBe(expectedId('other-ml', 'di'));
    expect(otherDi).not.toBe(di);
  });

  it('takes the secret from MLGRADE_REPORT_SECRET, and asks for it with PostgreSQL', async () => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: (t: string) => {
        stderr += t;
      },
      color: false,
    };
    const argv = ['--config', configFile, '--now', NOW, '--anonymous', '--format', 'json'];
    expect(
      await reportCommand([...argv, '--ledger', ledgerDir], io, { MLGRADE_REPORT_SECRET: 'course-secret' }),
    ).toBe(0);
    const di = `s-${createHmac('sha256', 'course-secret').update('intro-ml\0di').digest('hex').slice(0, 10)}`;
    expect((JSON.parse(stdout) as ClassReport).earlyWarning.some((w) => w.student === di)).toBe(true);

    stdout = '';
    // No --ledger and DATABASE_URL set: PostgreSQL, where no secret file can be kept; refused before connecting.
    const code = await reportCommand(argv, io, { DATABASE_URL: 'postgres://127.0.0.1:1/nowhere' });
    expect(code).toBe(2);
    expect(stderr).toContain('set MLGRADE_REPORT_SECRET');
    expect(stdout).toBe('');
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    let stderr = '';
    const io = {
      stdout: () => undefined,
      stderr: (t: string) => {
        stderr += t;
      },
      color: false,
    };
    const argv = ['--config', configFile, '--ledger', ledgerDir, '--now', NOW];
    expect(await reportCommand(argv, io, {}, true)).toBe(0);
    expect(stderr).toBe(`\rreading the ledger: ${SMALL_ATTEMPTS.length}/${SMALL_ATTEMPTS.length} attempts\n`);
    stderr = '';
    expect(await reportCommand(argv, io, {}, false)).toBe(0);
    expect(stderr).toBe('');
  });

  it('reports one assignment, and names the known ids for an unknown one (exit 2)', async () => {
    const one = JSON.parse((await report('--assignment', 'm2', '--format', 'json')).stdout) as ClassReport;
    expect(one.assignments.map((a) => a.id)).toEqual(['m2']);
    expect(one.earlyWarning.every((w) => w.assignment === 'm2')).toBe(true);
    const unknown = await report('--assignment', 'm9');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no assignment "m9" in the config');
    expect(unknown.stderr).toContain('(assignments: m1, m2)');
    expect(unknown.stdout).toBe('');
  });

  it('refuses bad options with exit 2', async () => {
    expect((await report('--format', 'xml')).code).toBe(2);
    expect((await report('--threshold', '120')).code).toBe(2);
    expect((await report('--now', 'yesterday')).code).toBe(2);
    expect((await runCli(['report', '--ledger', ledgerDir])).code).toBe(2);
    const help = await runCli(['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mlgrade report --config FILE');
    expect((await runCli(['forget', '--help'])).stdout).toContain('Usage: mlgrade forget LOGIN');
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}report --config FILE/m);
  });

  it('says so when the ledger has nothing for the course', async () => {
    const empty = path.join(await tempDir(), 'ledger');
    const { code, stdout, stderr } = await runCli([
      'report',
      '--config',
      configFile,
      '--ledger',
      empty,
      '--now',
      NOW,
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain('has no attempts for course intro-ml: nothing to report yet');
    const model = JSON.parse(stdout) as ClassReport;
    expect(model.students).toBe(0);
    expect(model.assignments[0]).toMatchObject({ submitted: 0, graded: 0, scores: { count: 0, mean: null } });
    expect(model.earlyWarning).toEqual([]);
    expect(model.notes[0]).toContain('no attempts for course intro-ml');
  });

  it('withholds every cohort figure of a course with one student, and says why', async () => {
    const single = path.join(await tempDir(), 'ledger');
    const { course } = await writeCourse(dir, 'solo-ml');
    await seedLedger(single, course, [
      { login: 'ada', assignment: 'm1', at: '2026-09-30T10:00:00Z', files: true, accuracy: 0.95 },
    ]);
    const solo = (format: string) =>
      runCli([
        'report',
        '--config',
        path.join(dir, 'solo-ml.yml'),
        '--ledger',
        single,
        '--now',
        NOW,
        '--format',
        format,
      ]);
    const model = JSON.parse((await solo('json')).stdout) as ClassReport;
    expect(model.students).toEqual({ suppressed: 'fewer than 5' });
    expect(model.notes.join(' ')).toContain('one student in the ledger: every cohort figure is withheld');
    const m1 = model.assignments[0]!;
    expect([m1.submitted, m1.graded, m1.passing, m1.complete, m1.scores.count, m1.scores.mean]).toEqual(
      Array(6).fill({ suppressed: 'fewer than 5' }),
    );
    expect(smallGroups(model)).toEqual([]);
    // Zeros too: "0 complete" in a class of one would tell about that one student.
    const numbers = JSON.stringify(model.assignments).match(
      /"(students|submitted|graded|passing|complete|late|rejected|count|mean\w*|median|q1|q3|max|scored|totalLost|pendingManual|criteria)":\d/g,
    );
    expect(numbers).toBeNull();
    const table = (await solo('table')).stdout;
    expect(table).toContain('one student in the ledger: every cohort figure is withheld');
    expect(table).toContain('submitted fewer than 5   graded fewer than 5');
  });
});

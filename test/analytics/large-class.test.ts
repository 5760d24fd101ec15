/**
 * A class of 500 students × 5 assignments with realistic patterns (some never submit, 1 to 4
 * attempts, improving accuracy, a few late, half the reports scored by hand), seeded into a real PGlite
 * ledger. The expected figures are worked out here from the seed alone, with the rubric's arithmetic
 * written out (10 for the files check, 60/45/20 for accuracy ≥ 0.9/0.8/else, the manual report, 10
 * points per started day late), and compared with `mlgrade report` in JSON and CSV, and with the table drawn from the same model.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReportText } from '../../src/analytics/render-report-text.js';
import type { ClassReport } from '../../src/analytics/report-model.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { bulkSeed, type SeedAttempt, type SeedManual, writeCourse } from './seed-class.js';

const ASSIGNMENTS = ['m1', 'm2', 'm3', 'm4', 'm5'];
const DUE = ['2026-10-01', '2026-10-15', '2026-10-29', '2026-11-12', '2026-11-26'].map(
  (day) => new Date(`${day}T23:59:00Z`),
);
const NOW = '2026-11-20T00:00:00Z'; // m5 due in 6 days
const DAY = 86_400_000;

/** mulberry32: a small deterministic generator, so the class is the same on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Expected {
  submitted: number;
  passing: number;
  complete: number;
  late: number;
  percents: number[];
  attempts: number[];
  below: number;
}

const attempts: SeedAttempt[] = [];
const manual: SeedManual[] = [];
const expected = new Map<string, Expected>();
const noAttemptAtM5: string[] = [];
{
  const rand = random(20261120);
  for (const [j, id] of ASSIGNMENTS.entries()) {
    const e: Expected = {
      submitted: 0,
      passing: 0,
      complete: 0,
      late: 0,
      percents: [],
      attempts: [],
      below: 0,
    };
    expected.set(id, e);
    for (let i = 1; i <= 500; i++) {
      const login = `student-${String(i).padStart(3, '0')}`;
      // More students drop off in later assignments; m5 is not due yet, so fewer have tried.
      if (rand() < 0.04 + 0.04 * j + (id === 'm5' ? 0.3 : 0)) {
        if (id === 'm5') noAttemptAtM5.push(login);
        continue;
      }
      const reportPoints = rand() < 0.5 ? Math.floor(rand() * 31) : undefined;
      if (reportPoints !== undefined) manual.push({ login, assignment: id, points: reportPoints });
      const n = 1 + Math.floor(rand() * 4);
      const late = rand() < 0.08;
      let accuracy = 0.45 + rand() * 0.4;
      // Attempts a day apart; the late ones end 1–3 days after the due date.
      const end = late
        ? DUE[j]!.getTime() + (1 + rand() * 2) * DAY
        : DUE[j]!.getTime() - (1 + rand() * 3) * DAY;
      let best: { points: number; pass: boolean; late: boolean } | undefined;
      for (let k = 0; k < n; k++) {
        const files = rand() < 0.85;
        accuracy = Math.min(0.99, accuracy + rand() * 0.08);
        const acc = Math.round(accuracy * 1000) / 1000;
        const at = new Date(end - (n - 1 - k) * DAY + 60_000);
        attempts.push({ login, assignment: id, at: at.toISOString(), files, accuracy: acc });
        const earned = (files ? 10 : 0) + (acc >= 0.9 ? 60 : acc >= 0.8 ? 45 : 20) + (reportPoints ?? 0);
        const daysLate = at > DUE[j]! ? Math.ceil((at.getTime() - DUE[j]!.getTime()) / DAY) : 0;
        const points = Math.max(0, earned - 10 * daysLate);
        // Keep the best; on a tie the earliest stays.
        if (!best || points > best.points) best = { points, pass: files && acc >= 0.75, late: daysLate > 0 };
      }
      e.submitted++;
      e.attempts.push(n);
      e.percents.push(best!.points);
      if (best!.pass) e.passing++;
      if (reportPoints !== undefined) e.complete++;
      if (best!.late) e.late++;
      const pending = reportPoints === undefined ? 30 : 0;
      if (best!.points + pending < 50) e.below++;
    }
  }
}

/** The p-quantile by linear interpolation at (n − 1)·p, written out again here. */
function q(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const v = s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
  return Math.round(v * 100) / 100;
}
const avg = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;

/** Bins of 1–4 withheld; a lone withheld bin takes the smallest shown non-empty bin with it. */
function withheld(bins: number[]): (number | { suppressed: string })[] {
  const small = bins.filter((n) => n > 0 && n < 5).length;
  const shown = bins.filter((n) => n >= 5);
  const partner = small === 1 && shown.length > 0 ? bins.indexOf(Math.min(...shown)) : -1;
  return bins.map((n, i) => (n === 0 || (n >= 5 && i !== partner) ? n : { suppressed: 'fewer than 5' }));
}

let configFile = '';
let ledgerDir = '';
let json: ClassReport;
let csv = '';
let table = '';

beforeAll(async () => {
  const dir = await tempDir();
  ({ file: configFile } = await writeCourse(dir, 'big-ml', ASSIGNMENTS));
  const { course } = await writeCourse(dir, 'big-ml', ASSIGNMENTS);
  ledgerDir = path.join(dir, 'ledger');
  await bulkSeed(ledgerDir, course, attempts, manual);
  const run = async (format: string) => {
    const result = await runCli([
      'report',
      '--config',
      configFile,
      '--ledger',
      ledgerDir,
      '--now',
      NOW,
      '--format',
      format,
    ]);
    expect(result.code).toBe(0);
    return result.stdout;
  };
  json = JSON.parse(await run('json'));
  csv = await run('csv');
  // The table from the same model (the CLI's table output is covered on the small class).
  table = renderReportText(json);
}, 120_000);

describe('mlgrade report on 500 students × 5 assignments', () => {
  it('seeds a realistic class', () => {
    expect(attempts.length).toBeGreaterThan(4000);
    expect(json.students).toBe(500);
  });

  it('counts completion, attempts and lateness as the seed says', () => {
    for (const a of json.assignments) {
      const e = expected.get(a.id)!;
      expect(a.submitted, a.id).toBe(e.submitted);
      expect(a.graded, a.id).toBe(e.submitted);
      expect(a.passing, a.id).toBe(e.passing);
      expect(a.complete, a.id).toBe(e.complete);
      expect(a.attempts, a.id).toEqual({
        students: e.submitted,
        mean: avg(e.attempts),
        median: q(e.attempts, 0.5),
        max: Math.max(...e.attempts),
      });
      expect(a.late.late, a.id).toBe(e.late >= 5 ? e.late : { suppressed: 'fewer than 5' });
      expect(a.pendingManual.students, a.id).toBe(e.submitted - e.complete);
    }
  });

  it('computes the score distribution as the seed says', () => {
    for (const a of json.assignments) {
      const { percents } = expected.get(a.id)!;
      expect(a.scores, a.id).toMatchObject({
        count: percents.length,
        mean: avg(percents),
        median: q(percents, 0.5),
        q1: q(percents, 0.25),
        q3: q(percents, 0.75),
      });
      const bins = Array.from(
        { length: 10 },
        (_, b) => percents.filter((p) => Math.min(9, Math.floor(p / 10)) === b).length,
      );
      expect(
        a.scores.histogram.map((bin) => bin.students),
        a.id,
      ).toEqual(withheld(bins));
    }
  });

  it('lists every student below 50 % and every student without an attempt at m5, due in 6 days', () => {
    for (const id of ASSIGNMENTS)
      expect(
        json.earlyWarning.filter((w) => w.kind === 'below-threshold' && w.assignment === id).length,
        id,
      ).toBe(expected.get(id)!.below);
    expect(
      json.earlyWarning.filter((w) => w.kind === 'no-attempt' && w.assignment === 'm5').map((w) => w.student),
    ).toEqual(noAttemptAtM5.filter((login) => attempts.some((a) => a.login === login)).sort());
    // Nothing else is due within 7 days or past due without an attempt? m1–m4 are past due: their
    // non-submitters are listed too.
    for (const id of ['m1', 'm2', 'm3', 'm4'])
      expect(json.earlyWarning.filter((w) => w.kind === 'no-attempt' && w.assignment === id).length, id).toBe(
        500 - expected.get(id)!.submitted,
      );
  });

  it('writes the same figures to CSV as to JSON', () => {
    const rows = csv.trimEnd().split('\r\n');
    for (const a of json.assignments) {
      expect(rows).toContain(`assignment,${a.id},,scores.mean,${a.scores.mean}`);
      expect(rows).toContain(`assignment,${a.id},,submitted,${a.submitted}`);
      for (const c of a.criteria)
        expect(rows).toContain(`criterion,${a.id},${c.id},totalLost,${c.totalLost}`);
    }
    expect(rows.filter((row) => row.startsWith('early-warning,'))).toHaveLength(json.earlyWarning.length);
  });

  it('draws a bar per histogram bin in proportion to its count', () => {
    const m1 = json.assignments[0]!;
    const counts = m1.scores.histogram.map((bin) => (typeof bin.students === 'number' ? bin.students : 0));
    const top = Math.max(...counts);
    const block = table.split('\n\nm2 ')[0]!;
    for (const [b, bin] of m1.scores.histogram.entries()) {
      const label = `${bin.from}-${bin.to}%`;
      const line = block.split('\n').find((l) => l.trim().startsWith(`${label} |`))!;
      const bar = (line.match(/█+/) ?? [''])[0];
      expect(bar.length, label).toBe(Math.round((counts[b]! / top) * 30));
    }
    expect(table).toMatch(/█{30} \d+/);
  });
});

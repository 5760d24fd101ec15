/** writeResultsFile: what it puts at the path, and what it leaves alone. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CourseConfig } from '../../src/config/schema.js';
import { scoreResults, writeResultsFile } from '../../src/grading/grade-and-score.js';
import { validateResults } from '../../src/results/validate-results.js';
import { tempDir } from '../helpers/temp-dir.js';
import { course as courseHeader, milestone4, results } from '../render/fixtures.js';

const course: CourseConfig = { course: courseHeader, assignments: [milestone4] };
const graded = results();
const score = scoreResults(course, milestone4, graded.checks);

describe('writeResultsFile', () => {
  it('without a signing key writes no signature and leaves a file of that name alone (the CLI)', async () => {
    const file = path.join(await tempDir(), 'out.json');
    await writeFile(`${file}.sig`, 'my notes\n');

    expect(await writeResultsFile(file, graded, score)).toBeUndefined();

    expect(validateResults(JSON.parse(await readFile(file, 'utf8'))).ok).toBe(true);
    expect(await readFile(`${file}.sig`, 'utf8')).toBe('my notes\n');
  });

  it('names the path it was given when the directory is missing', async () => {
    const file = path.join(await tempDir(), 'missing', 'out.json');
    await expect(writeResultsFile(file, graded, score)).rejects.toThrow(`Could not write ${file}: `);
  });

  it('replaces a directory planted at the path', async () => {
    const file = path.join(await tempDir(), 'out.json');
    await mkdir(file);
    await writeFile(path.join(file, 'forged.json'), '{}');
    await writeResultsFile(file, graded, score);
    expect(validateResults(JSON.parse(await readFile(file, 'utf8'))).ok).toBe(true);
  });
});

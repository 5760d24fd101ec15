import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/render/render-terminal.js';
import { displayWidth } from '../../src/render/text-width.js';
import { checkResult, hiddenCheck, renderInput } from './fixtures.js';

const ESC = '\u001b';
const plain = (text: string) => text.split('\n');

describe('renderTerminal', () => {
  const text = renderTerminal(renderInput(undefined, new Date('2026-12-06T10:00:00Z')), {
    color: false,
    width: 100,
  });
  const lines = plain(text);

  it('opens with the assignment and the total', () => {
    expect(lines[0]).toBe('Milestone 4: Advanced Vision  CS329S Fall 2026');
    expect(lines[1]).toBe('… Total  30 / 100 points (30%) after a late penalty of 20 points');
    expect(text).toContain("50 points pending: 50 await an instructor's score.");
    expect(text).toContain('Submitted 1 day 4 h late');
  });

  it('aligns the rubric columns', () => {
    const header = lines.find((l) => l.includes('Criterion'))!;
    const row = lines.find((l) => l.includes('Validation macro F1'))!;
    expect(header).toBe('  Criterion             Value   Level      Points   Explanation');
    expect(row).toBe(
      '  Validation macro F1   0.7712  Exemplary  25 / 25  0.7712 ≥ 0.75 → Exemplary, 25 points.',
    );
    expect(row.indexOf('Exemplary')).toBe(header.indexOf('Level'));
  });

  it('wraps long explanations within the width', () => {
    const narrow = renderTerminal(renderInput(), { color: false, width: 72 });
    const rubric = plain(narrow).slice(plain(narrow).indexOf('Rubric') + 1, plain(narrow).indexOf('Checks'));
    for (const line of rubric) expect(displayWidth(line)).toBeLessThanOrEqual(72);
    expect(narrow).toMatch(/Awaiting an\n {20,}instructor's score\./);
  });

  it('shows checks with status, metrics, per-class table, confusion matrix and findings', () => {
    expect(text).toContain('  ✓ Validation predictions  pass  1.2 s');
    expect(text).toContain('      accuracy 0.8123   macro_f1 0.7712   zero_f1_classes 0');
    expect(text).toMatch(/ {8}class +precision +recall +f1\n {8}airplane +0\.7 +0\.65\n/);
    expect(text).toMatch(/ {8}true \\ predicted +airplane +automobile/);
    expect(text).toContain('      predictions.csv:12  warning  Class cat has recall below 0.6.');
  });

  it('drops confusion-matrix columns that do not fit and says so', () => {
    const narrow = renderTerminal(renderInput(), { color: false, width: 60 });
    expect(narrow).toContain('more columns did not fit the terminal width.');
  });

  it('hides hidden checks unless asked', () => {
    expect(text).toContain('  # Hidden CIFAR-10 test  hidden until the due date');
    expect(text).not.toContain('SECRET');
    const shown = renderTerminal({ ...renderInput(), options: { showHidden: true } }, { color: false });
    expect(shown).toContain('SECRET-DETAIL');
  });

  it('uses ANSI colors only when color is on', () => {
    expect(text).not.toContain(ESC);
    const colored = renderTerminal(renderInput(), { color: true });
    expect(colored).toContain(`${ESC}[32m✓${ESC}[39m`);
    expect(colored).toContain(`${ESC}[1mRubric${ESC}[22m`);
  });

  it('strips escape sequences and control characters from student text', () => {
    const hostile = checkResult({
      status: 'fail',
      summary: `ok${ESC}[2J${ESC}]0;pwned\u0007 done`,
      findings: [{ level: 'error', message: `bad\rline${ESC}[31m red`, file: 'a.py', line: 2 }],
      logs: `first\n${ESC}[1Acursor up\nlast\n`,
    });
    const out = renderTerminal(renderInput([hiddenCheck, hostile]), { color: false });
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\r');
    expect(out).toContain('      ok done');
    expect(out).toContain('      a.py:2  error    bad line red');
    expect(out).toContain('      log\n        first\n        cursor up\n        last');
  });

  it('shows the log tail only for checks that did not pass', () => {
    expect(text).not.toContain('loading predictions.csv');
    const long = checkResult({
      status: 'error',
      logs: Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n'),
    });
    const out = renderTerminal(renderInput([hiddenCheck, long]), { color: false });
    expect(out).toContain('      log (last 20 lines)\n        line 30\n');
  });

  it('aligns columns that hold wide characters', () => {
    const cjk = checkResult({
      tables: [
        {
          id: 'p',
          title: 'Per-class',
          columns: ['class', 'f1'],
          rows: [
            ['猫', 0.5],
            ['dog', 0.75],
          ],
        },
      ],
    });
    const out = plain(renderTerminal(renderInput([hiddenCheck, cjk]), { color: false }));
    const cat = out.find((l) => l.includes('猫'))!;
    const dog = out.find((l) => l.includes('dog'))!;
    expect(displayWidth(cat)).toBe(displayWidth(dog));
  });
});

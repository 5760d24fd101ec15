import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/render-markdown.js';
import { CLASSES, checkResult, hiddenCheck, renderInput } from './fixtures.js';

const LATE = new Date('2026-12-06T10:00:00Z');
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('renderMarkdown: content', () => {
  const markdown = renderMarkdown(renderInput(undefined, LATE));

  it('opens with the total, the pending note and the late note', () => {
    expect(markdown.split('\n')[0]).toBe(
      '## ⏳ Milestone 4: Advanced Vision — 30 / 100 points (30%) after a late penalty of 20 points',
    );
    expect(markdown).toContain("⏳ 50 points pending: 50 await an instructor's score.");
    expect(markdown).toContain('⚠️ Submitted 1 day 4 h late (after the 15-minute grace period)');
  });

  it('has a rubric table with values, levels, points and explanations', () => {
    expect(markdown).toMatch(/\| Criterion +\| +Value \| Level +\| +Points \| Explanation +\|/);
    expect(markdown).toMatch(
      /\| Validation macro F1 +\| 0\.7712 \| Exemplary \| +25 \/ 25 \| 0\.7712 ≥ 0\.75 → Exemplary, 25 points\. +\|/,
    );
    expect(markdown).toMatch(
      /\| Code Quality +\| +— \| — +\| ⏳ — \/ 25 \| Awaiting an instructor's score\. +\|/,
    );
  });

  it('puts each check in a details section with metrics, tables, findings and the log', () => {
    expect(markdown).toContain('<details><summary>✅ Validation predictions: pass (1.2 s)</summary>');
    expect(markdown).toMatch(/\| macro_f1 +\| 0\.7712 \|/);
    expect(markdown).toContain('**Per-class metrics**');
    expect(markdown).toContain('| airplane | 400 | 11 |');
    expect(markdown).toContain('- ⚠️ **warning** predictions.csv:12: Class cat has recall below 0.6.');
    expect(markdown).toContain(
      '**Log** (complete)\n\n```text\nloading predictions.csv\nscoring 5000 rows\ndone\n```',
    );
    expect(markdown.match(/<details>/g)).toHaveLength(1);
    expect(markdown.match(/<\/details>/g)).toHaveLength(1);
  });

  it('ends with a footer naming the version, course and commit', () => {
    expect(markdown.trimEnd().split('\n').at(-1)).toBe(
      '<sub>mlgrade 0.1.0 · CS329S Fall 2026 · course-org/milestone-4-alice · commit aaaaaaa · graded 2026-12-04T20:01:00Z</sub>',
    );
  });

  it('caps a large confusion matrix and says so', () => {
    const classes = Array.from({ length: 100 }, (_, i) => `class-${i}`);
    const matrix = {
      id: 'confusion-matrix',
      title: 'Confusion matrix',
      columns: ['true', ...classes],
      rows: classes.map((c, i) => [c, ...classes.map((_, j) => (i === j ? 90 : 0))]),
    };
    const text = renderMarkdown(renderInput([hiddenCheck, checkResult({ tables: [matrix] })]));
    expect(text).toContain(
      '_Showing 16 of 101 columns and 50 of 100 rows; the full table is in the results file._',
    );
    expect(text).not.toContain('class-50 |');
  });
});

describe('renderMarkdown: hidden checks', () => {
  it('shows only that a hidden check is hidden, and hides its value in the rubric', () => {
    const markdown = renderMarkdown(renderInput());
    expect(markdown).toContain('🔒 **Hidden CIFAR-10 test**: hidden until the due date.');
    expect(markdown).toMatch(
      /\| CIFAR-10 Accuracy +\| hidden \| Exemplary \| +25 \/ 25 \| Details hidden until the due date\. +\|/,
    );
    for (const secret of ['SECRET-DETAIL', 'SECRET-LOG', '0.8312']) expect(markdown).not.toContain(secret);
  });

  it('reveals hidden checks with showHidden', () => {
    const markdown = renderMarkdown({ ...renderInput(), options: { showHidden: true } });
    expect(markdown).toContain('<details><summary>✅ Hidden CIFAR-10 test: pass (1.2 s)</summary>');
    expect(markdown).toContain('SECRET-DETAIL');
    expect(markdown).toContain('0.8312 ≥ 0.8 → Exemplary, 25 points.');
  });
});

describe('renderMarkdown: escaping student-controlled text', () => {
  const evil = '| @everyone ```</details>';
  const markdown = renderMarkdown(
    renderInput([
      hiddenCheck,
      checkResult({
        summary: '</summary></details><img src=x onerror=alert(1)> ping @alice',
        findings: [{ level: 'error', message: evil, file: 'src/`x`|y<b>.py', line: 3 }],
        tables: [
          {
            id: 't',
            title: 'Per-class | @org/team',
            columns: ['class', 'f1'],
            rows: [['cat|dog\n| x |', 0.5]],
          },
        ],
        logs: 'before\n````\n</details>\n@everyone\nafter\n',
      }),
    ]),
  );

  it('escapes a malicious finding message', () => {
    expect(markdown).toContain(
      '- ❌ **error** src/\\`x\\`\\|y&lt;b&gt;.py:3: \\| @\u2060everyone \\`\\`\\`&lt;/details&gt;',
    );
  });

  it('never lets a student close the details section or open HTML', () => {
    // The log's "</details>" sits inside a code block, where GitHub shows it as text.
    const outsideCode = markdown.replace(/`{5}text\n[\s\S]*?\n`{5}/g, '');
    expect(outsideCode.match(/<\/details>/g)).toHaveLength(1);
    expect(markdown).not.toContain('<img');
    expect(markdown).toContain(
      '&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; ping @\u2060alice',
    );
  });

  it('neutralizes every @mention outside code blocks', () => {
    const outsideCode = markdown.replace(/`{5}text\n[\s\S]*?\n`{5}/g, '');
    expect(outsideCode).not.toMatch(/@[A-Za-z]/);
  });

  it('escapes table cells so they cannot add columns or rows', () => {
    expect(markdown).toContain('**Per-class \\| @\u2060org/team**');
    expect(markdown).toContain('| cat\\|dog \\| x \\| | 0.5 |');
  });

  it('fences logs with a fence longer than any backtick run inside', () => {
    expect(markdown).toContain('`````text\nbefore\n````\n</details>\n@everyone\nafter\n`````');
  });
});

describe('renderMarkdown: size limit', () => {
  const noisy = checkResult({
    findings: Array.from({ length: 300 }, (_, i) => ({
      level: 'warning' as const,
      message: `Finding ${i} ${'x'.repeat(300)}`,
    })),
    logs: Array.from({ length: 2000 }, (_, i) => `log line ${i} ${'y'.repeat(100)}`).join('\n'),
  });

  it('keeps the whole report when it fits', () => {
    const text = renderMarkdown(renderInput([hiddenCheck, noisy]));
    expect(bytes(text)).toBeLessThanOrEqual(65_000);
    expect(text).not.toContain('Shortened');
  });

  it('cuts check details first and keeps the summary and the rubric', () => {
    const full = renderMarkdown(renderInput([hiddenCheck, noisy]));
    const maxBytes = bytes(full) - 1000;
    const text = renderMarkdown({ ...renderInput([hiddenCheck, noisy]), options: { maxBytes } });
    expect(bytes(text)).toBeLessThanOrEqual(maxBytes);
    expect(text.split('\n')[0]).toContain('50 / 100 points (50%)');
    expect(text).toContain('| Criterion');
    expect(text).toContain('left out: check logs.');
    expect(text).toContain('**Findings**');
  });

  it('goes down to status lines, then drops check sections, saying so each time', () => {
    const fewFindings = renderMarkdown({ ...renderInput([hiddenCheck, noisy]), options: { maxBytes: 5000 } });
    expect(fewFindings).toContain('left out: check logs, tables and all but 10 findings per check.');
    expect(fewFindings).toContain('- … and 290 more findings in the results file.');

    const summaryOnly = renderMarkdown({ ...renderInput([hiddenCheck, noisy]), options: { maxBytes: 3000 } });
    expect(bytes(summaryOnly)).toBeLessThanOrEqual(3000);
    expect(summaryOnly).toContain('left out: all check details except status and summary.');
    expect(summaryOnly).toContain('<details><summary>✅ Validation predictions: pass (1.2 s)</summary>');
    expect(summaryOnly).not.toContain('**Findings**');

    const many = Array.from({ length: 40 }, (_, i) => checkResult({ id: `c${i}`, summary: 's'.repeat(300) }));
    const none = renderMarkdown({ ...renderInput(many), options: { maxBytes: 3000 } });
    expect(bytes(none)).toBeLessThanOrEqual(3000);
    expect(none).toContain('left out: all check details.');
    expect(none).toContain('| CIFAR-10 Accuracy');
  });

  it('cuts hard at a line boundary when even the rubric does not fit', () => {
    const text = renderMarkdown({ ...renderInput(), options: { maxBytes: 700 } });
    expect(bytes(text)).toBeLessThanOrEqual(700);
    expect(text).toContain('left out: the rest of the report.');
    expect(text.startsWith('## ')).toBe(true);
  });

  it('counts bytes, not characters', () => {
    const wide = checkResult({ summary: '模型'.repeat(600), logs: '日志'.repeat(3000) });
    const text = renderMarkdown({ ...renderInput([hiddenCheck, wide]), options: { maxBytes: 8000 } });
    expect(bytes(text)).toBeLessThanOrEqual(8000);
  });
});

describe('renderMarkdown: checks that could not judge', () => {
  it('marks an errored check and explains the pending criterion', () => {
    const errored = checkResult({
      status: 'error',
      summary: 'labels.csv missing',
      metrics: {},
      tables: [],
      findings: [],
    });
    const markdown = renderMarkdown(renderInput([hiddenCheck, errored]));
    expect(markdown).toContain('<details><summary>⚠️ Validation predictions: error (1.2 s)</summary>');
    expect(markdown).toContain('Check eval errored: labels.csv missing; an instructor must review.');
    expect(markdown).toContain('25 need an instructor');
    expect(CLASSES).toHaveLength(10);
  });
});

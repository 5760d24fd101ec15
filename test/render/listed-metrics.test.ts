import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/render-markdown.js';
import { renderTerminal } from '../../src/render/render-terminal.js';
import { checkResult, renderInput } from './fixtures.js';

const perClassMetrics = { accuracy: 0.81, 'class.cat.f1': 0.42, 'class.dog.f1': 0.77 };

describe('metrics listed beside a check', () => {
  it('leaves per-class metrics to the per-class table', () => {
    const input = renderInput([checkResult({ metrics: perClassMetrics })]);
    for (const text of [renderTerminal(input, { color: false }), renderMarkdown(input)]) {
      expect(text).toContain('accuracy');
      expect(text).not.toContain('class.cat.f1');
    }
  });

  it('keeps them when the check has no per-class table to show them', () => {
    const input = renderInput([checkResult({ metrics: perClassMetrics, tables: [] })]);
    expect(renderTerminal(input, { color: false })).toContain('class.cat.f1 0.42');
    expect(renderMarkdown(input)).toContain('class.cat.f1');
  });
});

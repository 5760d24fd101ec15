import { describe, expect, it } from 'vitest';
import { fillTemplate, loadTemplate } from '../../src/render/fill-template.js';

describe('fillTemplate', () => {
  it('replaces placeholders once, without re-scanning inserted values', () => {
    expect(
      fillTemplate('Hi {{name}}, {{ greeting }}!', { name: '{{greeting}} $& $1', greeting: 'welcome' }),
    ).toBe('Hi {{greeting}} $& $1, welcome!\n');
  });

  it('drops lines holding only an empty placeholder, with the gap they leave', () => {
    const template = '# {{title}}\n\n{{intro}}\n\n{{body}}\n\nend\n';
    expect(fillTemplate(template, { title: 'T', intro: '', body: 'B' })).toBe('# T\n\nB\n\nend\n');
    expect(fillTemplate(template, { title: 'T', intro: '', body: '' })).toBe('# T\n\nend\n');
  });

  it('keeps blank lines inside inserted values', () => {
    expect(fillTemplate('{{log}}\n', { log: 'a\n\n\n\nb' })).toBe('a\n\n\n\nb\n');
  });

  it('throws on an unknown placeholder, even one named like an Object property', () => {
    expect(() => fillTemplate('{{missing}}', { known: 'x' })).toThrow(
      'Template placeholder {{missing}} has no value; known: known.',
    );
    expect(() => fillTemplate('{{constructor}}', {})).toThrow(/constructor/);
  });
});

describe('loadTemplate', () => {
  it('finds the templates directory from the source tree', () => {
    expect(loadTemplate('result')).toContain('{{rubric}}');
    expect(loadTemplate('check')).toContain('<details><summary>');
  });

  it('refuses names that could leave the templates directory', () => {
    expect(() => loadTemplate('../package')).toThrow(/Invalid template name/);
  });
});

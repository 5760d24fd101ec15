import { describe, expect, it } from 'vitest';
import { clip } from '../../src/clip-text.js';
import {
  escapeHtml,
  escapeInline,
  escapeParagraph,
  fencedBlock,
  neutralizeMentions,
  stripControl,
} from '../../src/render/escape-markdown.js';

describe('escapeInline', () => {
  it('escapes the malicious finding from the brief', () => {
    expect(escapeInline('| @everyone ```</details>')).toBe('\\| @\u2060everyone \\`\\`\\`&lt;/details&gt;');
  });

  it('flattens newlines so a cell cannot end a table row', () => {
    expect(escapeInline('a\n| b |\r\nc')).toBe('a \\| b \\| c');
  });

  it('escapes emphasis and links but keeps snake_case readable', () => {
    expect(escapeInline('*bold* _em_ [x](http://e) macro_f1 ~~s~~')).toBe(
      '\\*bold\\* \\_em\\_ \\[x\\](http://e) macro_f1 \\~\\~s\\~\\~',
    );
  });

  it('clips long text by code points', () => {
    expect(escapeInline('abcdef', 4)).toBe('abc…');
    expect(clip('😀😀😀', 2)).toBe('😀…');
  });
});

describe('escapeParagraph', () => {
  it('keeps a line from starting a list, quote or heading', () => {
    expect(escapeParagraph('- item')).toBe('\\- item');
    expect(escapeParagraph('1. item')).toBe('1\\. item');
    expect(escapeParagraph('# title')).toBe('\\# title');
    expect(escapeParagraph('> quote')).toBe('&gt; quote');
    expect(escapeParagraph('0.83 accuracy')).toBe('0.83 accuracy');
  });
});

describe('escapeHtml and mentions', () => {
  it('escapes HTML and mentions for a <summary>', () => {
    expect(escapeHtml('<b>"hi"</b> & @org/team')).toBe(
      '&lt;b&gt;&quot;hi&quot;&lt;/b&gt; &amp; @\u2060org/team',
    );
  });

  it('breaks every mention', () => {
    expect(neutralizeMentions('@a @b-c x@y')).toBe('@\u2060a @\u2060b-c x@\u2060y');
    expect(neutralizeMentions('email @ home')).toBe('email @ home');
  });
});

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run', () => {
    expect(fencedBlock('a\n```\nb')).toBe('````\na\n```\nb\n````');
    expect(fencedBlock('plain', 'text')).toBe('```text\nplain\n```');
  });

  it('removes ANSI colors, control characters and bidi overrides', () => {
    expect(stripControl('\u001b[31mred\u001b[0m\u0007 \u202egnp.exe\r\n')).toBe('red gnp.exe\n');
  });
});

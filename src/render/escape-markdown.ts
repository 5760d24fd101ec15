/**
 * Escaping for text that students control (finding messages, file names, logs, table cells, check
 * summaries) before it goes into GitHub Markdown. The goals: the text shows as written, it cannot
 * open or close Markdown/HTML structure (tables, code fences, `<details>`), and an `@mention` or
 * `@team` in it never notifies anyone.
 */

import { clip } from '../clip-text.js';

/** ANSI escape sequences (colors in logs) and control characters other than tab and newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidirectional overrides can make a file name read differently from what it is; drop them. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
/** Characters with Markdown meaning inline; escaped with a backslash. */
const MARKDOWN_PUNCTUATION = /[\\`*[\]|~#!]/g;
/** `_` only emphasizes at a word boundary; inside `macro_f1` it is left alone for readability. */
const BOUNDARY_UNDERSCORE = /(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
/** U+2060 WORD JOINER: invisible, but `@\u2060name` no longer matches GitHub's mention syntax. */
const WORD_JOINER = '\u2060';

/** Removes ANSI sequences, control characters (keeping \n and \t) and bidi overrides. */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ANSI, '').replace(CONTROL, '').replace(BIDI, '');
}

/** Breaks `@name` mentions (and `@org/team`) so GitHub shows them but notifies nobody. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9_-])/g, `@${WORD_JOINER}`);
}

/**
 * Escapes text for use inside one line of Markdown: a table cell, a list item after its marker.
 * Whitespace runs (newlines included) become one space, so the text cannot end a row or start a block.
 */
export function escapeInline(text: string, maxLength = 1000): string {
  const flat = clip(stripControl(text).replace(/\s+/g, ' ').trim(), maxLength);
  return neutralizeMentions(
    flat
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
      .replace(BOUNDARY_UNDERSCORE, '\\_'),
  );
}

/**
 * Like {@link escapeInline}, for text that starts its own line (a paragraph), where a leading "- ",
 * "+ ", "1. " or "===" would start a list or underline a heading.
 */
export function escapeParagraph(text: string, maxLength = 2000): string {
  return escapeInline(text, maxLength)
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** Escapes text for an HTML context such as `<summary>…</summary>`, where Markdown is not parsed. */
export function escapeHtml(text: string, maxLength = 300): string {
  const flat = clip(stripControl(text).replace(/\s+/g, ' ').trim(), maxLength);
  return neutralizeMentions(
    flat.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  );
}

/**
 * Wraps text in a fenced code block whose fence is longer than any backtick run inside, so no line
 * of the text can close it. GitHub neither parses HTML nor links mentions inside code blocks.
 */
export function fencedBlock(text: string, info = ''): string {
  const body = stripControl(text).replace(/\n+$/, '');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/**
 * A deliberately tiny template filler for the Markdown templates in `templates/`: `{{name}}` is
 * replaced by a value, nothing else. Values are inserted in one pass and never re-scanned, so a
 * student's text containing `{{…}}` stays text. Callers escape values for their context first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
const ONLY_PLACEHOLDER = /^\s*\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}\s*$/;
const cache = new Map<string, string>();
let templatesDir: string | undefined;

/**
 * Fills `template` with `values`. A template line holding only a placeholder whose value is empty is
 * dropped, with the blank line it would leave, so optional sections leave no gaps. Throws on a
 * placeholder that `values` does not define (a template bug, better loud than blank).
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const lookup = (name: string): string => {
    if (!Object.hasOwn(values, name)) {
      throw new Error(
        `Template placeholder {{${name}}} has no value; known: ${Object.keys(values).join(', ')}.`,
      );
    }
    return values[name]!;
  };
  const out: string[] = [];
  let lastBlank = true; // drops blank template lines at the very start too
  for (const line of template.replace(/\r\n/g, '\n').split('\n')) {
    const only = ONLY_PLACEHOLDER.exec(line);
    if (only && lookup(only[1]!) === '') continue;
    const blank = line.trim() === '';
    if (blank && lastBlank) continue;
    out.push(line.replace(PLACEHOLDER, (_match, name: string) => lookup(name)));
    lastBlank = blank;
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Reads `templates/<name>.md` from the mlgrade package root, found by walking up from this module
 * (so it works from `src/render` under vitest and from `build/src/render` once compiled).
 */
export function loadTemplate(name: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Invalid template name "${name}".`);
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const text = readFileSync(join(findTemplatesDir(), `${name}.md`), 'utf8');
  cache.set(name, text);
  return text;
}

function findTemplatesDir(): string {
  templatesDir ??= join(packageRoot(), 'templates');
  return templatesDir;
}

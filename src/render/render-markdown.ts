/**
 * The Markdown report for GitHub check runs, PR comments and job summaries, from
 * `templates/result.md`: headline with total points, pending and late notes, the rubric table, then
 * one collapsible section per check.
 *
 * GitHub rejects a check-run summary over 65,535 bytes, so the report is rendered at falling levels
 * of check detail (logs, then tables, then most findings, then everything but status and summary)
 * until it fits; the headline and rubric always stay, and a note says what was left out.
 */
import { markdownTable } from 'markdown-table';
import { escapeHtml, escapeInline, escapeParagraph } from './escape-markdown.js';
import { fillTemplate, loadTemplate } from './fill-template.js';
import { type DetailLevel, MARKS, renderCheckMarkdown } from './markdown-check.js';
import { buildReportModel, type RenderInput, type ReportModel } from './report-model.js';

/** Default byte budget: GitHub's 65,535-byte check-run summary limit, with headroom. */
export const DEFAULT_MAX_BYTES = 65_000;

/** Options for {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Show hidden checks' details (after the due date, or for instructors). Default false. */
  showHidden?: boolean;
  /** Largest report in UTF-8 bytes (default {@link DEFAULT_MAX_BYTES}). */
  maxBytes?: number;
}

interface Step extends DetailLevel {
  /** False leaves check sections out entirely. */
  checks: boolean;
  /** What this step leaves out, for the note; empty for the full report. */
  cut: string;
}

const FULL: DetailLevel = { logLines: 50, tables: true, maxFindings: 100, details: true };
const STEPS: Step[] = [
  { ...FULL, checks: true, cut: '' },
  { ...FULL, logLines: 0, checks: true, cut: 'check logs' },
  { ...FULL, logLines: 0, tables: false, checks: true, cut: 'check logs and tables' },
  {
    ...FULL,
    logLines: 0,
    tables: false,
    maxFindings: 10,
    checks: true,
    cut: 'check logs, tables and all but 10 findings per check',
  },
  { ...FULL, details: false, checks: true, cut: 'all check details except status and summary' },
  { ...FULL, details: false, checks: false, cut: 'all check details' },
];

/** Renders the report as GitHub-flavoured Markdown, at most `maxBytes` UTF-8 bytes long. */
export function renderMarkdown(input: RenderInput & { options?: MarkdownOptions }): string {
  const maxBytes = input.options?.maxBytes ?? DEFAULT_MAX_BYTES;
  const model = buildReportModel(input, input.options?.showHidden ?? false);
  let text = '';
  for (const step of STEPS) {
    text = renderAt(model, step, maxBytes);
    if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  }
  return hardCut(text, maxBytes);
}

function renderAt(model: ReportModel, step: Step, maxBytes: number): string {
  return fillTemplate(loadTemplate('result'), {
    mark: MARKS[model.mark],
    assignment: escapeInline(model.assignmentTitle, 200),
    total: escapeInline(model.total),
    pending: model.pendingNote ? `${MARKS.pending} ${escapeParagraph(model.pendingNote)}` : '',
    late: model.lateNote ? `${MARKS.warn} ${escapeParagraph(model.lateNote)}` : '',
    rubric: rubricTable(model),
    truncated: step.cut ? truncationNote(step.cut, maxBytes) : '',
    checks: step.checks
      ? model.checks.map((check) => renderCheckMarkdown(check, step).trimEnd()).join('\n\n')
      : '_Check details left out to fit the size limit._',
    footer: escapeHtml(model.footer, 500),
  });
}

function rubricTable(model: ReportModel): string {
  const rows = model.rubric.map((row) => [
    escapeInline(row.title, 200),
    escapeInline(row.value, 50),
    escapeInline(row.level, 100),
    `${row.pending ? `${MARKS.pending} ` : ''}${escapeInline(row.points, 50)}`,
    escapeInline(row.explanation, 600),
  ]);
  return markdownTable([['Criterion', 'Value', 'Level', 'Points', 'Explanation'], ...rows], {
    align: ['l', 'r', 'l', 'r', 'l'],
  });
}

function truncationNote(cut: string, maxBytes: number): string {
  const size = maxBytes.toLocaleString('en-US');
  return `✂️ Shortened to fit the report size limit (${size} bytes); left out: ${cut}. The full results are in mlgrade-results.json.`;
}

/** Last resort when even the rubric alone is too long: cut at a line boundary and say so. */
function hardCut(text: string, maxBytes: number): string {
  const note = `\n\n${truncationNote('the rest of the report', maxBytes)}\n`;
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  if (budget <= 0) return cutToBytes(note.trim(), maxBytes);
  const prefix = cutToBytes(text, budget);
  return `${prefix.slice(0, Math.max(0, prefix.lastIndexOf('\n')))}${note}`;
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  const prefix = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A character split by the byte cut decodes as U+FFFD; drop it.
  return prefix.endsWith('\uFFFD') && !text.startsWith(prefix) ? prefix.slice(0, -1) : prefix;
}

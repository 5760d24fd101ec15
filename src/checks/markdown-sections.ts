/** Finds the headings of a Markdown document and the amount of text under each. */

/** One heading and what follows it up to the next heading of the same or a higher level. */
export interface MarkdownSection {
  title: string;
  level: number;
  /** 1-based line of the heading. */
  line: number;
  /** Words in the section body, sub-sections included. */
  words: number;
}

const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Parses ATX (`## Title`) and setext (`Title` + `===`) headings, ignoring fenced code blocks. */
export function markdownSections(text: string): MarkdownSection[] {
  const lines = text.split(/\r?\n/);
  const sections: MarkdownSection[] = [];
  const open: MarkdownSection[] = [];
  let fence: string | undefined;
  lines.forEach((line, index) => {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === undefined) fence = marker[0]!.repeat(marker.length);
      else if (marker.startsWith(fence)) fence = undefined;
    }
    const heading = fence === undefined ? headingAt(lines, index) : undefined;
    if (heading) {
      while (open.length > 0 && open[open.length - 1]!.level >= heading.level) open.pop();
      const section = { ...heading, line: index + 1, words: 0 };
      sections.push(section);
      open.push(section);
      return;
    }
    if (SETEXT_UNDERLINE.test(line) && headingAt(lines, index - 1)) return;
    const words = line.split(/\s+/).filter((word) => /\w/.test(word)).length;
    for (const section of open) section.words += words;
  });
  return sections;
}

function headingAt(lines: string[], index: number): { title: string; level: number } | undefined {
  const line = lines[index];
  if (line === undefined) return undefined;
  const atx = ATX_HEADING.exec(line);
  if (atx) return { title: atx[2]!.trim(), level: atx[1]!.length };
  const next = lines[index + 1];
  const underline = next === undefined ? null : SETEXT_UNDERLINE.exec(next);
  if (underline && line.trim() !== '' && !/^ {0,3}([-*_>]|\d+\.)/.test(line)) {
    return { title: line.trim(), level: underline[1]!.startsWith('=') ? 1 : 2 };
  }
  return undefined;
}

/** Normalises a heading for matching: case, punctuation and numbering ("2. Reproduction:") ignored. */
export function normaliseHeading(title: string): string {
  return title
    .toLowerCase()
    .replace(/^[\d.\s]+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

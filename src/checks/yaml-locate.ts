/** Parses a student's YAML/JSON file keeping positions, so findings can name the line. */
import { isNode, LineCounter, parseDocument } from 'yaml';

/** A parsed document plus a way to find the line of any path in it. */
export interface LocatedDocument {
  value: unknown;
  /** 1-based line of the node at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** Parse errors with their lines; empty when the file parsed. */
  errors: { line: number | undefined; message: string }[];
}

/** Parses `text` as YAML 1.2 (JSON is a subset), never throwing on bad input. */
export function parseLocated(text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const errors = document.errors.map((error) => ({
    line: error.linePos?.[0]?.line,
    message: error.message.split('\n')[0]!,
  }));
  const lineOf = (path: readonly (string | number)[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { value: errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 }), lineOf, errors };
}

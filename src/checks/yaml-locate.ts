/** Parses a student's YAML/JSON file keeping positions, so findings can name the line. */
import { type Alias, isNode, LineCounter, parseDocument, visit } from 'yaml';
import { InputFileError } from '../files/input-files.js';
import type { Finding } from '../results/results-schema.js';

/** A parsed document plus a way to find the line of any path in it. */
export interface LocatedDocument {
  value: unknown;
  /** 1-based line of the node at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** Parse errors with their lines; empty when the file parsed. */
  errors: { line: number | undefined; message: string }[];
}

/** Aliases expanded per anchor before the document is refused as an alias bomb (yaml's default). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses `text` as YAML 1.2 (JSON is a subset), never throwing on bad input. Syntax errors, an
 * alias bomb ("billion laughs": anchors whose aliases expand past {@link MAX_ALIAS_COUNT} nodes,
 * which `toJS` refuses by throwing) and any other failure to build the value all come back in
 * `errors` with a line, so the check reports a finding instead of an internal error.
 */
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
  if (errors.length > 0) return { value: undefined, lineOf, errors };
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), lineOf, errors };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!;
    // yaml throws this exact ReferenceError when maxAliasCount is exceeded; any other failure (an
    // alias with no anchor, say) is not a bomb and is reported in its own words.
    const bomb = /excessive alias count/i.test(reason);
    const line = firstAliasLine(
      document,
      lineCounter,
      bomb ? () => true : (alias) => !alias.resolve(document),
    );
    const message = bomb
      ? `its aliases (*name) expand to too many nodes (more than ${MAX_ALIAS_COUNT} per anchor), which is refused as an alias bomb; write the values out instead of repeating aliases`
      : `its value could not be built (${reason}); simplify the file`;
    return { value: undefined, lineOf, errors: [{ line: line ?? 1, message }] };
  }
}

/** 1-based line of the document's first alias that `wanted` accepts, or undefined when there is none. */
function firstAliasLine(
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  wanted: (alias: Alias) => boolean,
) {
  let line: number | undefined;
  visit(document, {
    Alias(_key, node) {
      if (!wanted(node)) return undefined;
      if (node.range) line = lineCounter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** `experiment.yaml does not parse: …` without a final period: the words of one parse error of `file`. */
function parseErrorMessage(file: string, error: LocatedDocument['errors'][number]): string {
  return `${file} does not parse: ${error.message.replace(/\.$/, '')}`;
}

/** One error finding per parse error of `file`, on its line: "experiment.yaml does not parse: …". */
export function parseErrorFindings(file: string, errors: LocatedDocument['errors']): Finding[] {
  return errors.map((e) => ({
    level: 'error' as const,
    file,
    ...(e.line ? { line: e.line } : {}),
    message: `${parseErrorMessage(file, e)}.`,
  }));
}

/**
 * {@link parseLocated} for readers that report problems by throwing: the first parse error (a syntax
 * error, an alias bomb) becomes an InputFileError on its line, worded as {@link parseErrorFindings}.
 */
export function parseLocatedOrThrow(text: string, file: string): LocatedDocument {
  const document = parseLocated(text);
  const error = document.errors[0];
  if (error !== undefined) {
    throw new InputFileError(file, parseErrorMessage(file, error), error.line ? { line: error.line } : {});
  }
  return document;
}

/**
 * Turns ajv's errors into one human message per problem, pinned to the YAML node it is about.
 *
 * ajv (allErrors, verbose) reports every failing branch of every `anyOf` and repeats `required`
 * from both the generic check item and the kind's own spec. Here those are folded first (unions of
 * literals become "one of …", a union whose branches all failed on type becomes "expected A or B",
 * otherwise the closest branch speaks), then duplicates are dropped, then each error is phrased.
 */
import type { ErrorObject } from 'ajv';
import type { ConfigProblem } from './config-problem.js';
import { explainError } from './explain-error.js';
import { displayPath, locate, locateKey, pointerSegments, type YamlNode } from './yaml-positions.js';

/** Maps ajv errors for the plain value of `root` to problems with positions. */
export function schemaProblems(errors: readonly ErrorObject[], root: YamlNode): ConfigProblem[] {
  const folded = dedupe(foldUnions(errors.filter((error) => error.keyword !== 'if')));
  return folded.map((error) => {
    const segments = pointerSegments(error.instancePath);
    const { message, key } = explainError(error);
    const at = key === undefined ? locate(root, segments).at : locateKey(root, segments, key);
    const path = displayPath(key === undefined ? segments : [...segments, key]);
    return { ...at, path, message, level: 'error' };
  });
}

/** Replaces each failed `anyOf` and its branch errors with what the author needs to hear. */
function foldUnions(input: readonly ErrorObject[]): ErrorObject[] {
  let errors = [...input];
  const unions = errors
    .filter((error) => error.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const union of unions) {
    const prefix = `${union.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      if (!error.schemaPath.startsWith(prefix)) continue;
      const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const replacement = resolveUnion(union, [...branches.values()]);
    errors = errors.filter((error) => error !== union && !error.schemaPath.startsWith(prefix));
    errors.push(...replacement);
  }
  return errors;
}

function resolveUnion(union: ErrorObject, branches: ErrorObject[][]): ErrorObject[] {
  const atRoot = (error: ErrorObject) => error.instancePath === union.instancePath;
  const literal = (error: ErrorObject) =>
    atRoot(error) && (error.keyword === 'const' || error.keyword === 'enum');
  if (branches.length > 0 && branches.every((branch) => branch.length === 1 && literal(branch[0]!))) {
    const allowedValues = branches.flatMap(([error]) =>
      error!.keyword === 'const' ? [error!.params.allowedValue] : (error!.params.allowedValues as unknown[]),
    );
    return [{ ...union, keyword: 'enum', params: { allowedValues } }];
  }
  // A branch that failed only below the value's own type is the one the author was writing.
  const wrongShape = (branch: ErrorObject[]) => branch.some((error) => atRoot(error) && isShapeError(error));
  const close = branches.filter((branch) => !wrongShape(branch)).sort((a, b) => a.length - b.length);
  if (close[0]) return close[0];
  const expected = branches.flatMap((branch) => branch.filter(atRoot).flatMap(expectedTypes));
  return [{ ...union, keyword: 'type', params: { type: [...new Set(expected)] } }];
}

function isShapeError(error: ErrorObject): boolean {
  return error.keyword === 'type' || error.keyword === 'const' || error.keyword === 'enum';
}

function expectedTypes(error: ErrorObject): string[] {
  if (error.keyword === 'type') return [error.params.type as string].flat();
  if (error.keyword === 'const') return [JSON.stringify(error.params.allowedValue)];
  if (error.keyword === 'enum')
    return (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
  return [];
}

/** The same problem reported twice (e.g. `required` from two schemas) is shown once. */
function dedupe(errors: readonly ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

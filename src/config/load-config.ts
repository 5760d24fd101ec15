/**
 * Loading a course config: the one entry point the CLI, the grade command and the app use.
 *
 * 1. Read the file and every base it `_extends`, parse them keeping positions, merge them
 *    (resolve-extends.ts, merge-config.ts).
 * 2. Validate the merged value against the config schema built from the check registry, so each
 *    check's options are checked by that check's own spec (schema-errors.ts).
 * 3. Apply the rules the schema cannot say (validate-semantics.ts).
 * Problems from all steps come back together as data, sorted by file and line; the config is
 * returned only when there is no error (warnings allowed).
 */
import path from 'node:path';
import type { CheckDefinition } from '../checks/types.js';
import { type ConfigRules, generatedRules, rulesFor } from './compile-validator.js';
import { ConfigError, type ConfigProblem, sortProblems } from './config-problem.js';
import { ProblemSink } from './problem-sink.js';
import { type ConfigReader, MAX_CONFIG_BYTES, readFromDisk } from './read-config-file.js';
import { resolveConfig } from './resolve-extends.js';
import type { CourseConfig } from './schema.js';
import { semanticProblems } from './validate-semantics.js';
import { toPlain, type YamlNode } from './yaml-positions.js';

export type { ConfigProblem } from './config-problem.js';
export { ConfigError, formatProblem, sortProblems } from './config-problem.js';

/** Options for {@link loadConfig}; all optional. */
export interface LoadConfigOptions {
  /**
   * Check kinds to validate against (default: the registry, through the rules `npm run schema`
   * generated from it, so that `mlgrade validate` need not load every check). Tests pass their own.
   */
  checks?: ReadonlyMap<string, CheckDefinition>;
  /** Files under this directory are shown relative to it in problems (default: the working directory). */
  displayRoot?: string;
  /** Largest config file accepted, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Reads a file's bytes (default: from disk). The app reads from the course repository instead. */
  reader?: ConfigReader;
}

/** What {@link loadConfig} found. */
export interface LoadedConfig {
  /** The merged, validated config; undefined when there is any error. */
  config: CourseConfig | undefined;
  /** Errors and warnings, sorted by file, line and column. */
  problems: ConfigProblem[];
  /** Every file that was merged, bases first, as shown in problems. */
  sources: string[];
  /**
   * A problem at a path of the merged config (`['assignments', 0, 'checks', 1, 'labels']`), placed
   * at the file, line and column that set it: for checks made after loading (validate --data).
   */
  problemAt(
    segments: readonly (string | number)[],
    message: string,
    level?: 'error' | 'warning',
  ): ConfigProblem;
}

/** Loads, merges and validates a config file. Never throws for problems in the config itself. */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const displayRoot = path.resolve(options.displayRoot ?? process.cwd());
  const problems: ConfigProblem[] = [];
  const context = {
    reader: options.reader ?? readFromDisk,
    maxBytes: options.maxBytes ?? MAX_CONFIG_BYTES,
    display: (absolute: string) => displayName(absolute, displayRoot),
    problems,
    sources: [] as string[],
    complete: true,
  };
  const root = await resolveConfig(file, context);
  const { sources } = context;
  const problemAt = (
    segments: readonly (string | number)[],
    message: string,
    level: 'error' | 'warning' = 'error',
  ) => {
    if (!root)
      return { file: context.display(path.resolve(file)), line: 1, column: 1, path: '', message, level };
    const sink = new ProblemSink(root);
    sink.add(segments, message, level);
    return sink.problems[0]!;
  };
  // A base that failed to load leaves holes ("missing course"); reporting those would mislead.
  if (!root || !context.complete) {
    return { config: undefined, problems: sortProblems(problems), sources, problemAt };
  }
  const value = toPlain(root);
  problems.push(...(await validateValue(value, root, options.checks)));
  const valid = !problems.some((problem) => problem.level === 'error');
  return {
    config: valid ? (value as CourseConfig) : undefined,
    problems: sortProblems(problems),
    sources,
    problemAt,
  };
}

/** Like {@link loadConfig}, but returns the config or throws a {@link ConfigError} listing the errors. */
export async function requireConfig(file: string, options?: LoadConfigOptions): Promise<CourseConfig> {
  const { config, problems } = await loadConfig(file, options);
  if (!config) throw new ConfigError(problems);
  return config;
}

/** Schema and semantic problems of the merged value. */
async function validateValue(
  value: unknown,
  root: YamlNode,
  checks: ReadonlyMap<string, CheckDefinition> | undefined,
): Promise<ConfigProblem[]> {
  if (checks) return check(value, root, (await rulesFor(checks)).rules);
  const fast = await check(value, root, generatedRules());
  if (!fast.some((problem) => problem.level === 'error')) return fast;
  // Before blaming the config, make sure the generated rules are the registry's current ones (a
  // kind or metric added without `npm run schema` would otherwise read as the author's mistake).
  const { CHECKS } = await import('../checks/registry.js');
  const current = await rulesFor(CHECKS);
  return current.generated ? fast : check(value, root, current.rules);
}

async function check(value: unknown, root: YamlNode, rules: ConfigRules): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  if (!rules.validate(value)) {
    // Phrasing errors loads the schema module (and TypeBox); valid configs never need it.
    const { schemaProblems } = await import('./schema-errors.js');
    problems.push(...schemaProblems(rules.validate.errors ?? [], root));
  }
  problems.push(...semanticProblems(value, root, rules.metrics));
  return problems;
}

function displayName(absolute: string, root: string): string {
  const relative = path.relative(root, absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

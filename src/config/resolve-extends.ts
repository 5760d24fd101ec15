/**
 * Loads a config file and everything it `_extends`, depth first, and merges them into one tree
 * (merge rules in merge-config.ts). Bases listed later override earlier ones; the file itself
 * overrides all its bases. Problems keep the position of the file they were found in.
 */
import path from 'node:path';
import type { ConfigProblem, SourcePosition } from './config-problem.js';
import { didYouMean } from './did-you-mean.js';
import { mergeConfigs, withoutKey } from './merge-config.js';
import { isPresetReference, listPresets, presetFile, presetName } from './presets.js';
import { type ConfigReader, readConfigText, readFromDisk } from './read-config-file.js';
import { parseYaml, type YamlNode } from './yaml-positions.js';

/** Settings shared by one resolution. */
export interface ResolveContext {
  reader: ConfigReader;
  maxBytes: number;
  /** Turns an absolute path into the name shown in problems. */
  display: (file: string) => string;
  problems: ConfigProblem[];
  /** Every file merged, bases first, as displayed. */
  sources: string[];
  /** Set to false when some base could not be loaded: the merged tree is then missing parts. */
  complete: boolean;
}

/** One file to load: its absolute path, how problems name it, and (for bases) who asked for it. */
interface Target {
  file: string;
  name: string;
  referencedAt?: SourcePosition;
  /** Presets (and what they extend) ship with mlgrade: read from disk whatever the reader. */
  builtin?: boolean;
}

/** Loads `file` and its bases; returns the merged tree, or undefined when the file itself is unusable. */
export async function resolveConfig(file: string, context: ResolveContext): Promise<YamlNode | undefined> {
  const absolute = path.resolve(file);
  return load({ file: absolute, name: context.display(absolute) }, [], context);
}

async function load(target: Target, chain: readonly Target[], context: ResolveContext) {
  const reader = target.builtin ? readFromDisk : context.reader;
  const read = await readConfigText(target.file, reader, context.maxBytes);
  if ('reason' in read) {
    // A base that cannot be read is the extending file's problem: point at its `_extends` entry.
    const at = target.referencedAt ?? { file: target.name, line: 1, column: 1 };
    const subject = target.referencedAt ? `base config ${target.name}` : 'config';
    const path = target.referencedAt ? '_extends' : '';
    context.problems.push({ ...at, path, message: `cannot read ${subject}: ${read.reason}`, level: 'error' });
    context.complete = false;
    return undefined;
  }
  const parsed = parseYaml(read.text, target.name);
  context.problems.push(...parsed.problems);
  if (!parsed.root) {
    context.complete = false;
    return undefined;
  }
  const references = extendsReferences(parsed.root, context);
  let merged: YamlNode | undefined;
  for (const reference of references) {
    const base = await loadReference(reference, target, [...chain, target], context);
    if (base) merged = merged ? mergeConfigs(merged, base) : base;
  }
  context.sources.push(target.name);
  const own = withoutKey(parsed.root, '_extends');
  return merged ? mergeConfigs(merged, own) : own;
}

interface Reference {
  value: string;
  at: SourcePosition;
}

/** The `_extends` entries of a file; a malformed `_extends` is reported and ignored. */
function extendsReferences(root: YamlNode, context: ResolveContext): Reference[] {
  const node = root.kind === 'map' ? root.entries.get('_extends')?.value : undefined;
  if (!node) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  const references: Reference[] = [];
  for (const item of items) {
    if (item.kind === 'scalar' && typeof item.value === 'string' && item.value !== '') {
      references.push({ value: item.value, at: item.at });
    } else {
      const message = '_extends takes `preset:<name>`, a path relative to this file, or a list of them';
      context.problems.push({ ...item.at, path: '_extends', message, level: 'error' });
      context.complete = false;
    }
  }
  return references;
}

async function loadReference(
  reference: Reference,
  from: Target,
  chain: readonly Target[],
  context: ResolveContext,
): Promise<YamlNode | undefined> {
  const problem = (message: string) => {
    context.problems.push({ ...reference.at, path: '_extends', message, level: 'error' });
    context.complete = false;
  };
  const target = resolveReference(reference, from, context.display, problem);
  if (!target) return undefined;
  const loop = chain.findIndex((link) => link.file === target.file);
  if (loop >= 0) {
    const names = [...chain.slice(loop).map((link) => link.name), target.name];
    problem(`Recursion detected: ${names.join(' → ')}`);
    return undefined;
  }
  return load(target, chain, context);
}

/** The file an `_extends` entry names: a preset, or a path relative to the file that names it. */
function resolveReference(
  reference: Reference,
  from: Target,
  display: (file: string) => string,
  problem: (message: string) => void,
): Target | undefined {
  if (!isPresetReference(reference.value)) {
    const file = path.resolve(path.dirname(from.file), reference.value);
    return { file, name: display(file), referencedAt: reference.at, builtin: from.builtin };
  }
  const preset = presetName(reference.value);
  const file = presetFile(preset);
  if (!file) {
    const available = listPresets();
    const list = available.map((name) => `preset:${name}`).join(', ');
    problem(`unknown preset "${preset}"${didYouMean(preset, available)} (available: ${list})`);
    return undefined;
  }
  return { file, name: display(file), referencedAt: reference.at, builtin: true };
}

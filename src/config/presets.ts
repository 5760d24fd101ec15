/**
 * Built-in presets (`_extends: preset:<name>`): the seed courses as YAML files in
 * `src/config/presets/<name>.yml`.
 *
 * tsc does not copy .yml files into build/, and the package ships `src/config/presets` as is, so
 * the directory is found at run time: beside this module when it runs from src/ (tests), otherwise
 * under the package root (found by walking up to mlgrade's package.json) when it runs from build/.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

/** Preset names are plain slugs, so `preset:../../x` can never leave the presets directory. */
const PRESET_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const PREFIX = 'preset:';

let cachedDirectory: string | undefined;

/** Absolute path of the presets directory. Throws when the installation is broken (no presets). */
export function presetsDirectory(): string {
  cachedDirectory ??= findPresetsDirectory();
  return cachedDirectory;
}

function findPresetsDirectory(): string {
  const beside = path.resolve(fileURLToPath(new URL('./presets/', import.meta.url)));
  if (existsSync(beside)) return beside;
  const shipped = path.join(packageRoot(), 'src', 'config', 'presets');
  if (existsSync(shipped)) return shipped;
  throw new Error(`mlgrade: built-in presets not found in ${beside} or ${shipped}; reinstall mlgrade.`);
}

/** Names of the built-in presets, sorted. */
export function listPresets(): string[] {
  return readdirSync(presetsDirectory())
    .filter((file) => file.endsWith('.yml'))
    .map((file) => file.slice(0, -'.yml'.length))
    .sort();
}

/** Whether an `_extends` entry names a preset rather than a file. */
export function isPresetReference(reference: string): boolean {
  return reference.startsWith(PREFIX);
}

/** The file of preset `name` (without `preset:`), or undefined when there is no such preset. */
export function presetFile(name: string): string | undefined {
  if (!PRESET_NAME.test(name)) return undefined;
  const file = path.join(presetsDirectory(), `${name}.yml`);
  return existsSync(file) ? file : undefined;
}

/** The preset name of a `preset:<name>` reference. */
export function presetName(reference: string): string {
  return reference.slice(PREFIX.length);
}

/** Shared by the config tests: fixture paths and loading with stable, fixture-relative file names. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadConfigOptions, loadConfig } from '../../src/config/load-config.js';

/** test/fixtures/config, where the config fixtures live. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));

/** Absolute path of a config fixture. */
export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** Loads a fixture; problems name files relative to the fixtures directory. */
export function loadFixture(name: string, options: LoadConfigOptions = {}) {
  return loadConfig(fixture(name), { displayRoot: FIXTURES, ...options });
}

/** `file:line  path  message` lines, the shape assertions read best in. */
export function brief(problems: readonly { file: string; line: number; path: string; message: string }[]) {
  return problems.map((p) => `${p.file}:${p.line}  ${p.path}  ${p.message}`);
}

/**
 * Writes the committed JSON Schemas from their TypeBox sources, so editors can validate
 * `mlgrade.yml` and tools can validate `mlgrade-results.json` without running mlgrade:
 *
 * - schemas/mlgrade-config.schema.json from buildConfigSchema over the check registry;
 * - schemas/mlgrade-results.schema.json from ResultsSchema;
 * - src/config/config-validator.generated.ts, ajv's precompiled validator for the config schema
 *   (see compile-validator.ts: it spares `mlgrade validate` loading ajv and compiling the schema).
 *
 * test/config/schema-files.test.ts fails when the committed files differ from what this would write.
 * Usage: npm run schema
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECKS, checkSpecSchemas } from '../src/checks/registry.js';
import { generatedValidatorSource } from '../src/config/compile-validator.js';
import { buildConfigSchema } from '../src/config/schema.js';
import { packageRoot } from '../src/package-root.js';
import { ResultsSchema } from '../src/results/results-schema.js';

/** One generated file: its path relative to the package root and its exact content. */
export interface SchemaFile {
  path: string;
  content: string;
}

/** The schema files as they should be committed now (pretty JSON with a trailing newline). */
export async function schemaFiles(): Promise<SchemaFile[]> {
  const configSchema = buildConfigSchema(checkSpecSchemas());
  return [
    { path: 'schemas/mlgrade-config.schema.json', content: pretty(configSchema) },
    { path: 'schemas/mlgrade-results.schema.json', content: pretty(ResultsSchema) },
    {
      path: 'src/config/config-validator.generated.ts',
      content: await generatedValidatorSource(CHECKS),
    },
  ];
}

/** JSON.stringify drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema. */
function pretty(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes every schema file under `root` (default: the package root); returns the paths written. */
export async function writeSchemas(root = packageRoot()): Promise<string[]> {
  const written: string[] = [];
  for (const file of await schemaFiles()) {
    const target = path.join(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    written.push(file.path);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of await writeSchemas()) console.log(`wrote ${file}`);
}

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaFiles } from '../../scripts/write-schemas.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const files = await schemaFiles();

describe('committed JSON Schemas and the generated validator', () => {
  it.each(files.map((file) => [file.path, file] as const))('%s is current', async (_path, file) => {
    const committed = await readFile(`${ROOT}${file.path}`, 'utf8').catch(() => '(missing)');
    expect(committed === file.content, `${file.path} is out of date: run npm run schema`).toBe(true);
  });
});

describe('the generated validator', () => {
  it('is used for the registry and reports exactly what a fresh ajv compile reports', async () => {
    const { CHECKS } = await import('../../src/checks/registry.js');
    const { configValidator } = await import('../../src/config/compile-validator.js');
    const { validate } = await import('../../src/config/config-validator.generated.js');
    const { loadConfig } = await import('../../src/config/load-config.js');
    expect(await configValidator(CHECKS), 'stale: run npm run schema').toBe(validate);
    const file = `${ROOT}test/fixtures/config/config-with-three-errors.yml`;
    const generated = await loadConfig(file);
    const compiled = await loadConfig(file, { checks: new Map(CHECKS) });
    expect(generated.problems).toHaveLength(3);
    expect(compiled.problems).toEqual(generated.problems);
  });
});

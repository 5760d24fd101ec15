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

describe('the generated rules', () => {
  it("are the registry's, and report exactly what a fresh ajv compile reports", async () => {
    const { CHECKS } = await import('../../src/checks/registry.js');
    const { rulesFor } = await import('../../src/config/compile-validator.js');
    const { loadConfig } = await import('../../src/config/load-config.js');
    expect((await rulesFor(CHECKS)).generated, 'stale: run npm run schema').toBe(true);
    const file = `${ROOT}test/fixtures/config/config-with-three-errors.yml`;
    const generated = await loadConfig(file);
    const compiled = await loadConfig(file, { checks: new Map(CHECKS) });
    expect(generated.problems).toHaveLength(3);
    expect(compiled.problems).toEqual(generated.problems);
  });

  it('are not used for other kinds or metrics', async () => {
    const { CHECKS } = await import('../../src/checks/registry.js');
    const { rulesFor } = await import('../../src/config/compile-validator.js');
    const fewer = new Map([...CHECKS].slice(1));
    expect((await rulesFor(fewer)).generated).toBe(false);
    const [kind, definition] = [...CHECKS][0]!;
    const moreMetrics = new Map(CHECKS).set(kind, {
      ...definition,
      metrics: [...definition.metrics, 'extra'],
    });
    const rules = await rulesFor(moreMetrics);
    expect(rules.generated).toBe(false);
    expect(rules.rules.metrics.get(kind)).toContain('extra');
  });
});

import { describe, expect, it } from 'vitest';
import { CHECK_LOADERS, loadCheck } from '../../src/checks/check-loaders.js';
import { CHECKS } from '../../src/checks/registry.js';

describe('check loaders', () => {
  it('load exactly the kinds of the registry, each the same definition', async () => {
    expect([...CHECK_LOADERS.keys()].sort()).toEqual([...CHECKS.keys()].sort());
    for (const [kind, definition] of CHECKS) expect(await loadCheck(kind)).toBe(definition);
  });

  it('know no other kind', () => {
    expect(loadCheck('notebook')).toBeUndefined();
  });
});

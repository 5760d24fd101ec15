/** End to end through `mlgrade grade`: the honest Python example earns the reproduction points, the inflated one does not. */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG, exampleSubmission, runCli } from '../helpers/run-cli.js';

const grade = (name: string) => runCli(['grade', exampleSubmission(name), '--config', EXAMPLE_CONFIG]);

describe('mlgrade grade on the reproducible-experiment examples', () => {
  it('reproduces repro-honest: full points', async () => {
    const { code, stdout } = await grade('repro-honest');
    expect(stdout).toMatch(/Total\s+100 \/ 100 points/);
    expect(code).toBe(0);
  });

  it('catches repro-inflated: reproduction fails, the claimed and reproduced values are shown', async () => {
    const { code, stdout } = await grade('repro-inflated');
    expect(code).toBe(1);
    expect(stdout).toMatch(/accuracy\s+0\.975\s+0\.916\s+0\s+0\.059\s+0\.01\s+NOT reproduced/);
    expect(stdout).toMatch(/Total\s+40 \/ 100 points/);
  });
});

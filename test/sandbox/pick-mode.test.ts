/** Which isolation runs student code, for every combination of what the runner offers. */
import { describe, expect, it } from 'vitest';
import { pickMode } from '../../src/sandbox/sandbox-mode.js';

const offers = (bwrap: boolean, unshare: boolean, root: boolean) => ({ bwrap, unshare, root });

describe('choosing the sandbox mechanism', () => {
  it('prefers bubblewrap whenever it works, as root or not', () => {
    expect(pickMode('auto', offers(true, true, true))).toBe('bwrap');
    expect(pickMode('auto', offers(true, true, false))).toBe('bwrap');
    expect(pickMode('bwrap', offers(true, false, false))).toBe('bwrap');
  });

  it('falls back to unshare only for a root grader, which switches student code to a dedicated uid', () => {
    expect(pickMode('auto', offers(false, true, true))).toBe('unshare');
    expect(pickMode('unshare', offers(true, true, true))).toBe('unshare');
  });

  it('refuses unshare as a non-root grader: student code would run as the runner user', () => {
    for (const requested of ['auto', 'unshare'] as const) {
      expect(() => pickMode(requested, offers(false, true, false))).toThrow(
        "without bubblewrap student code would run under unshare as the runner's own user, able to read its credentials and the hidden data; install bubblewrap (apt-get install -y bubblewrap) or run the grader as root",
      );
    }
  });

  it('says how to get a sandbox when none works, and honours an explicit none', () => {
    expect(() => pickMode('auto', offers(false, false, true))).toThrow(/^no sandbox is available/);
    expect(() => pickMode('bwrap', offers(false, true, true))).toThrow(/^sandbox mode "bwrap" was requested/);
    expect(pickMode('none', offers(false, false, false))).toBe('none');
  });
});

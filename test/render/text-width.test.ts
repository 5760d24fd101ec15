import { describe, expect, it } from 'vitest';
import { displayWidth, padWidth, truncateWidth, wrapWidth } from '../../src/render/text-width.js';

describe('text width', () => {
  it('counts wide and zero-width characters roughly like a terminal', () => {
    expect(displayWidth('cat')).toBe(3);
    expect(displayWidth('猫')).toBe(2);
    expect(displayWidth('한국어')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('✅')).toBe(2);
    expect(displayWidth('a\u2060b')).toBe(2);
  });

  it('pads, truncates and wraps by columns', () => {
    expect(padWidth('猫', 4)).toBe('猫  ');
    expect(padWidth('7', 3, 'right')).toBe('  7');
    expect(truncateWidth('猫猫猫猫', 5)).toBe('猫猫…');
    expect(wrapWidth('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWidth('', 5)).toEqual(['']);
  });
});

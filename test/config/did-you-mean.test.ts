import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/config/did-you-mean.js';

describe('did-you-mean', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('epcoh', 'epoch')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close candidates only', () => {
    expect(closest('epochs', ['epoch', 'seed'])).toBe('epoch');
    expect(closest('predictionz', ['files', 'experiment', 'predictions'])).toBe('predictions');
    expect(closest('Accuracy', ['accuracy', 'macro_f1'])).toBe('accuracy');
    expect(closest('timeout', ['files', 'experiment'])).toBeUndefined();
    expect(closest('x', ['id'])).toBeUndefined();
  });

  it('formats the suggestion for appending to a message', () => {
    expect(didYouMean('requird', ['required'])).toBe(' — did you mean "required"?');
    expect(didYouMean('zzz', ['required'])).toBe('');
  });
});

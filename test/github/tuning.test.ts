import { describe, expect, it } from 'vitest';
import { tuning, tuningProblems } from '../../src/github/tuning.js';

describe('tuning variables', () => {
  it('reads a positive number, and the default when unset or empty', () => {
    expect(tuning({ MLGRADE_SWEEP_SECONDS: '1.5' }, 'MLGRADE_SWEEP_SECONDS')).toBe(1.5);
    expect(tuning({}, 'MLGRADE_SWEEP_SECONDS')).toBe(60);
    expect(tuning({ MLGRADE_SWEEP_SECONDS: ' ' }, 'MLGRADE_SWEEP_SECONDS')).toBe(60);
    expect(tuning({}, 'MLGRADE_GITHUB_WRITES_PER_MINUTE')).toBe(80);
    expect(tuningProblems({ MLGRADE_SWEEP_SECONDS: '1.5', MLGRADE_OUTBOX_LEASE_SECONDS: '' })).toEqual([]);
  });

  it('names every variable set to something that is not a positive number', () => {
    expect(
      tuningProblems({
        MLGRADE_SWEEP_SECONDS: 'abc',
        MLGRADE_GITHUB_WRITES_PER_MINUTE: '0',
        MLGRADE_QUEUED_TIMEOUT_MINUTES: '-5',
        MLGRADE_OUTBOX_LEASE_SECONDS: 'Infinity',
        MLGRADE_STRANDED_AFTER_SECONDS: '120',
      }),
    ).toEqual([
      'MLGRADE_GITHUB_WRITES_PER_MINUTE must be a positive number of writes (got "0"); unset it for the default, 80',
      'MLGRADE_SWEEP_SECONDS must be a positive number of seconds (got "abc"); unset it for the default, 60',
      'MLGRADE_OUTBOX_LEASE_SECONDS must be a positive number of seconds (got "Infinity"); unset it for the default, 120',
      'MLGRADE_QUEUED_TIMEOUT_MINUTES must be a positive number of minutes (got "-5"); unset it for the default, 30',
    ]);
  });
});

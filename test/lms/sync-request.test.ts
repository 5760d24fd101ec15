import { describe, expect, it } from 'vitest';
import { requestedAssignments, syncTargetOf } from '../../src/lms/sync-request.js';

const IDS = ['milestone-1', 'milestone-10', 'tinytorch/milestone-4'];

describe('sync requests', () => {
  it('reads the LMS from the label, ignoring case and spacing', () => {
    expect(syncTargetOf('mlgrade: sync canvas')).toBe('canvas');
    expect(syncTargetOf('MLGrade:  Sync Gradescope')).toBe('gradescope');
    expect(syncTargetOf('mlgrade: synced')).toBeUndefined();
    expect(syncTargetOf(undefined)).toBeUndefined();
  });

  it('reads assignment ids as whole tokens from the title and body, or all', () => {
    expect(requestedAssignments('Sync milestone-10 grades', null, IDS)).toEqual({ ids: ['milestone-10'] });
    expect(requestedAssignments('Grades', 'Please sync `tinytorch/milestone-4`, milestone-1.', IDS)).toEqual({
      ids: ['milestone-1', 'tinytorch/milestone-4'],
    });
    expect(requestedAssignments('Sync ALL', '', IDS)).toEqual({ ids: IDS });
    expect(requestedAssignments('Sync grades', 'milestone', IDS)).toEqual({
      error:
        'The issue names no assignment. Put an assignment id or `all` in its title or body: `milestone-1`, `milestone-10`, `tinytorch/milestone-4`.',
    });
  });
});

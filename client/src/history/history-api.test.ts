import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import { historyErrorText } from './history-api.ts';

describe('history errors in words', () => {
  it('says who may act on 403, that the workflow is locked on 423, and the server message otherwise', () => {
    expect(historyErrorText(new ApiError(403, 'forbidden', 'Forbidden'), 'restore this version')).toBe(
      "Only the workflow's editors and owners can restore this version.",
    );
    expect(historyErrorText(new ApiError(423, 'locked', 'Ann holds the pen'), 'restore this version')).toBe(
      'Could not restore this version: Ann holds the pen (the workflow is locked).',
    );
    expect(historyErrorText(new ApiError(404, 'not_found', 'No such version'), 'open this version')).toBe(
      'Could not open this version: that version is gone.',
    );
    expect(historyErrorText(new ApiError(409, 'conflict', 'Only a restore can be undone'), 'undo the restore')).toBe(
      'Could not undo the restore: Only a restore can be undone',
    );
    expect(historyErrorText(new TypeError('Failed to fetch'), 'load the history')).toBe(
      'Could not load the history: the server did not answer.',
    );
  });
});

import type { WorkflowRole } from '#shared/api/index.ts';

/** What a role may do in the editor; the server enforces the same on the socket and in REST. */
export const mayEdit = (role: WorkflowRole): boolean => role === 'owner' || role === 'editor';

export const mayComment = (role: WorkflowRole): boolean => role !== 'viewer';

/** The read-only banner's text for a role that cannot edit (or whose role is not known yet). */
export const readOnlyText = (role: WorkflowRole | undefined): string => {
  if (role === 'viewer') return 'You can view this workflow; viewers cannot change it.';
  if (role === 'commenter') return 'You can view and comment on this workflow; commenters cannot change it.';
  return 'You can view this workflow; loading…';
};

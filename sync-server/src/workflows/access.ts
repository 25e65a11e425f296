import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { User } from '../accounts/account-store.ts';
import type { Role, WorkflowStore } from './workflow-store.ts';

/**
 * Who may do what with a workflow:
 * - viewer: read the document and awareness, export;
 * - commenter: also write in the workflow's discussion (and nothing else);
 * - editor: also edit the document and rename it;
 * - owner: also delete it, manage members and switch its edit mode.
 * The instance admin acts as an owner of every workflow.
 */
export type Action = 'read' | 'comment' | 'edit' | 'delete' | 'manageMembers' | 'setMode';

const allowed: Record<Role, ReadonlySet<Action>> = {
  viewer: new Set(['read']),
  commenter: new Set(['read', 'comment']),
  editor: new Set(['read', 'comment', 'edit']),
  owner: new Set(['read', 'comment', 'edit', 'delete', 'manageMembers', 'setMode']),
};

export const can = (role: Role, action: Action): boolean => allowed[role].has(action);

export type Access = { status: 'ok'; role: Role } | { status: 'notFound' } | { status: 'forbidden' };

export const accessOf = async (store: WorkflowStore, workflowId: string, user: User): Promise<Access> => {
  if (!(await store.get(workflowId))) return { status: 'notFound' };
  const role = (await store.memberRole(workflowId, user.id)) ?? (user.isAdmin ? 'owner' : undefined);
  return role ? { status: 'ok', role } : { status: 'forbidden' };
};

/** The user's role, or a UserError (404 / 403) fit for REST. */
export const requireAccess = async (
  store: WorkflowStore,
  workflowId: string,
  user: User,
  action: Action,
): Promise<Role> => {
  const access = await accessOf(store, workflowId, user);
  if (access.status === 'notFound') throw new UserError(ErrorCodes.notFound, `Workflow ${workflowId} does not exist`);
  if (access.status === 'forbidden') throw new UserError(ErrorCodes.forbidden, 'You are not a member of this workflow');
  if (!can(access.role, action)) {
    throw new UserError(ErrorCodes.forbidden, `A ${access.role} cannot ${actionText[action]} this workflow`);
  }
  return access.role;
};

const actionText: Record<Action, string> = {
  read: 'read',
  comment: 'comment on',
  edit: 'edit',
  delete: 'delete',
  manageMembers: 'manage the members of',
  setMode: 'switch the edit mode of',
};

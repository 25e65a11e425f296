import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { User } from '../accounts/account-store.ts';
import { requireAccess } from '../workflows/access.ts';
import type { Role, WorkflowStore } from '../workflows/workflow-store.ts';
import { allows, type EditPolicy } from './edit-policy.ts';
import type { ModeState } from './mode-store.ts';

/**
 * For REST routes that change a workflow's document or production state
 * (rename, publish, activate, deactivate): an editor's access, and a mode
 * that lets the caller write now, else 423 naming who locked it or holds
 * the pen. Runs and stops do not change the document and stay open.
 */
export const requireChange = async (
  policy: EditPolicy,
  store: WorkflowStore,
  workflowId: string,
  user: User,
): Promise<Role> => {
  const role = await requireAccess(store, workflowId, user, 'edit');
  const state = await policy.fresh(workflowId);
  if (allows(state, user.id, role)) return role;
  throw new UserError(ErrorCodes.locked, await refusal(store, state));
};

/** Who a member is, for messages; someone no longer a member (an admin, a deleted account) stays unnamed. */
export const memberName = async (store: WorkflowStore, workflowId: string, userId: string | null): Promise<string> => {
  if (userId === null) return 'Someone';
  const member = (await store.members(workflowId)).find((m) => m.userId === userId);
  return member?.name ?? 'Someone';
};

const refusal = async (store: WorkflowStore, state: ModeState): Promise<string> => {
  if (state.mode === 'locked') {
    const who = await memberName(store, state.workflowId, state.setBy);
    return state.reason ? `${who} locked this workflow: ${state.reason}` : `${who} locked this workflow`;
  }
  const holder = state.pen?.holder ?? null;
  if (holder === null) return 'Nobody holds the pen; take it to change this workflow';
  return `${await memberName(store, state.workflowId, holder)} holds the pen; ask for it`;
};

import type { Logger } from '#shared/log.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';

/**
 * A rename typed in the editor, committed: the audit trail's
 * `workflow.renamed`, as `PATCH /api/workflows/:id` records it (§6.2).
 * Called by the workflow room's afterCommit; never throws.
 */
export type RenameAudit = (workflowId: string, userId: string, from: string, to: string) => void;

export const renameAudit =
  (log: AuditLog, accounts: AccountStore, logger: Logger): RenameAudit =>
  (workflowId, userId, from, to) => {
    const at = Date.now();
    void (async () => {
      const user = await accounts.getUser(userId);
      await log.record(
        { id: userId, name: user?.name ?? null, via: 'socket', sessionRef: null, address: null },
        { at, action: 'workflow.renamed', workflowId, workflowName: to, data: { from, to } },
      );
    })().catch((error: unknown) => logger.error({ err: error, workflowId }, 'auditing a rename failed'));
  };

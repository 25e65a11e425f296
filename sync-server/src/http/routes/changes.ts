import * as routes from '#shared/api/routes/changes.ts';
import { MAX_CHANGES, type ChangeDto } from '#shared/api/changes.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { AccountStore } from '../../accounts/account-store.ts';
import type { ChangeIndexStore } from '../../changes/change-index-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { contractRoutes, implement } from './contract-routes.ts';

/** Who changed a node or a parameter (docs/plans/collaboration.md §6.4): any member may ask. */
export const changeRoutes = (deps: { workflows: WorkflowStore; accounts: AccountStore; changes: ChangeIndexStore }) =>
  contractRoutes('/api/workflows', [
    implement(routes.listChanges, async (_c, { user, params, query }, reply) => {
      if (!ID_PATTERN.test(params.id)) throw new UserError(ErrorCodes.notFound, `Workflow ${params.id} does not exist`);
      await requireAccess(deps.workflows, params.id, user, 'read');
      const recorded = await deps.changes.recent(params.id, query.target, MAX_CHANGES);
      const changes = await Promise.all(
        recorded.map(async ({ userId, lastAt, count }): Promise<ChangeDto | undefined> => {
          // Rows go with their account; one deleted since this read is left out.
          const person = await deps.accounts.getUser(userId);
          return person && { user: { id: person.id, name: person.name }, at: lastAt, count };
        }),
      );
      return reply(200, { changes: changes.filter((change) => change !== undefined) });
    }),
  ]);

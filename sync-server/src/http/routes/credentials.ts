import * as routes from '#shared/api/routes/credentials.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { CredentialStore } from '../../credentials/credential-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export interface CredentialRouteDeps {
  store: CredentialStore;
  workflows: WorkflowStore;
  now?: () => number;
}

const notFound = (id: string) => new UserError(ErrorCodes.notFound, `Credential ${id} does not exist`);

/**
 * A person's credentials: create, list, delete, and the workflows they are
 * granted to. Secrets are write-only: no route returns them. Every route
 * answers only the credential's owner; to anyone else it does not exist.
 */
export const credentialRoutes = ({ store, workflows, now = Date.now }: CredentialRouteDeps) =>
  contractRoutes('/api/credentials', [
    implement(routes.listCredentials, async (_c, { user }, reply) =>
      reply(200, { credentials: await store.list(user.id) }),
    ),
    implement(routes.createCredential, async (_c, { user, body }, reply) =>
      reply(201, await store.create(user.id, await body(), now())),
    ),
    implement(routes.deleteCredential, async (_c, { user, params }, reply) => {
      if (!(await store.delete(user.id, params.id))) throw notFound(params.id);
      return reply(204);
    }),
    implement(routes.listCredentialGrants, async (_c, { user, params }, reply) => {
      const grants = await store.grants(user.id, params.id);
      if (!grants) throw notFound(params.id);
      return reply(200, { grants });
    }),
    // Letting a workflow's runs use the credential is its owner's act alone, and only for a
    // workflow they can see; asking again changes nothing (200 with the grant that exists).
    implement(routes.grantCredential, async (c, { user, params, body }, reply) => {
      if ((await store.owner(params.id)) !== user.id) throw notFound(params.id);
      const { workflowId } = await body();
      if (!ID_PATTERN.test(workflowId))
        throw new UserError(ErrorCodes.notFound, `Workflow ${workflowId} does not exist`);
      await requireAccess(workflows, workflowId, user, 'read');
      // A member's grant holds only while they are a member (removing them revokes it); the
      // admin reads every workflow without being one.
      const adminOnly = user.isAdmin && (await workflows.memberRole(workflowId, user.id)) === undefined;
      const granted = await store.grant(params.id, workflowId, now(), adminOnly ? undefined : user.id);
      if (!granted) throw new UserError(ErrorCodes.forbidden, 'You are not a member of this workflow');
      const { grant, created } = granted;
      if (created) {
        await audit(c, user, {
          action: 'credential.granted',
          workflowId,
          target: { type: 'credential', id: params.id },
        });
      }
      return created ? reply(201, { grant }) : reply(200, { grant });
    }),
    implement(routes.revokeCredentialGrant, async (c, { user, params }, reply) => {
      if ((await store.owner(params.id)) !== user.id) throw notFound(params.id);
      if (!(await store.revoke(params.id, params.workflowId))) {
        throw new UserError(ErrorCodes.notFound, 'This credential is not granted to that workflow');
      }
      await audit(c, user, {
        action: 'credential.revoked',
        workflowId: params.workflowId,
        target: { type: 'credential', id: params.id },
      });
      return reply(204);
    }),
  ]);

import { Hono } from 'hono';
import { grantCredentialRequest } from '#shared/api/access.ts';
import { createCredentialRequest } from '#shared/api/credentials.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { CredentialStore } from '../../credentials/credential-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { requireUser, type AppEnv } from '../auth.ts';
import { readJson } from '../errors.ts';

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
  new Hono<AppEnv>()
    .get('/', (c) => c.json({ credentials: store.list(requireUser(c).id) }))
    .post('/', async (c) => {
      const user = requireUser(c);
      const request = await readJson(c, createCredentialRequest);
      return c.json(store.create(user.id, request, now()), 201);
    })
    .delete('/:id', (c) => {
      if (!store.delete(requireUser(c).id, c.req.param('id'))) throw notFound(c.req.param('id'));
      return c.body(null, 204);
    })
    .get('/:id/grants', (c) => {
      const grants = store.grants(requireUser(c).id, c.req.param('id'));
      if (!grants) throw notFound(c.req.param('id'));
      return c.json({ grants });
    })
    // Letting a workflow's runs use the credential is its owner's act alone, and only for a
    // workflow they can see; asking again changes nothing (200 with the grant that exists).
    .post('/:id/grants', async (c) => {
      const user = requireUser(c);
      const id = c.req.param('id');
      if (store.owner(id) !== user.id) throw notFound(id);
      const { workflowId } = await readJson(c, grantCredentialRequest);
      if (!ID_PATTERN.test(workflowId))
        throw new UserError(ErrorCodes.notFound, `Workflow ${workflowId} does not exist`);
      requireAccess(workflows, workflowId, user, 'read');
      const { grant, created } = store.grant(id, workflowId, now());
      return c.json({ grant }, created ? 201 : 200);
    })
    .delete('/:id/grants/:workflowId', (c) => {
      const user = requireUser(c);
      const id = c.req.param('id');
      if (store.owner(id) !== user.id) throw notFound(id);
      if (!store.revoke(id, c.req.param('workflowId'))) {
        throw new UserError(ErrorCodes.notFound, 'This credential is not granted to that workflow');
      }
      return c.body(null, 204);
    });

import * as routes from '#shared/api/routes/me.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { getNodeDefinition } from '#shared/nodes/index.ts';
import type { AccountStore } from '../../accounts/account-store.ts';
import type { FavouritesStore } from '../../accounts/favourites-store.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../../accounts/passwords.ts';
import type { WorkflowService } from '../../workflows/workflow-service.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { clearSessionCookie, type SocketRevalidator } from '../auth.ts';
import { clientAddress } from '../client-address.ts';
import type { AuthLimits } from '../../accounts/auth-limits.ts';
import { workflowDto } from './workflows.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export interface MeRouteDeps {
  favourites: FavouritesStore;
  accounts: AccountStore;
  workflowStore: WorkflowStore;
  workflows: WorkflowService;
  revalidate: SocketRevalidator;
  cookieSecure: boolean;
  /** Password checks here count like log-ins (accounts/auth-limits.ts). */
  limits: AuthLimits;
  trustProxy: boolean;
  now?: () => number;
}

/**
 * The signed-in person's own things: palette favourites, the invitations
 * addressed to their email, and deleting their account.
 */
export const meRoutes = ({
  favourites,
  accounts,
  workflowStore,
  workflows,
  revalidate,
  cookieSecure,
  limits,
  trustProxy,
  now = Date.now,
}: MeRouteDeps) =>
  contractRoutes('/api/me', [
    implement(routes.getFavourites, async (_c, { user }, reply) =>
      reply(200, { types: await favourites.list(user.id) }),
    ),
    implement(routes.setFavourites, async (_c, { user, body }, reply) => {
      const { types } = await body();
      const unknown = types.filter((t) => !getNodeDefinition(t));
      if (unknown.length > 0) {
        throw new UserError(ErrorCodes.badRequest, `Unknown node types: ${unknown.map((t) => `"${t}"`).join(', ')}`);
      }
      return reply(200, { types: await favourites.replace(user.id, types) });
    }),
    implement(routes.listMyInvitations, async (_c, { user }, reply) =>
      reply(200, { invitations: await workflowStore.invitationsFor(user.email) }),
    ),
    // An invitation is answered only by the account that uses its address; to anyone else it does not exist.
    implement(routes.acceptInvitation, async (c, { user, params }, reply) => {
      const accepted = await workflowStore.acceptInvitation(params.id, user, now());
      if (!accepted) throw new UserError(ErrorCodes.notFound, 'No such invitation for you');
      await audit(c, user, {
        action: 'invitation.accepted',
        workflowId: accepted.workflowId,
        target: { type: 'user', id: user.id },
        data: { role: accepted.role, email: user.email },
      });
      return reply(200, workflowDto(await workflows.summary(accepted.workflowId, accepted.role)));
    }),
    implement(routes.declineInvitation, async (_c, { user, params }, reply) => {
      if (!(await workflowStore.declineInvitation(params.id, user.email))) {
        throw new UserError(ErrorCodes.notFound, 'No such invitation for you');
      }
      return reply(204);
    }),
    implement(routes.deleteAccount, async (c, { user, body }, reply) => {
      const { password } = await body();
      // A password check like log-in's, limited like it: a stolen session must not guess without end.
      await limits.attempt(clientAddress(c, trustProxy));
      await limits.checkAccount(user.email);
      const ok = await verifyPassword(password, (await accounts.passwordHashOf(user.id)) ?? (await DUMMY_HASH_PROMISE));
      if (!ok) {
        await limits.failed(user.email);
        throw new UserError(ErrorCodes.forbidden, 'The password is wrong');
      }
      if (user.isAdmin) {
        throw new UserError(ErrorCodes.conflict, 'The instance admin cannot delete their account');
      }
      // The check and the delete are one step: an owner removed meanwhile cannot leave a workflow with none.
      const outcome = await workflowStore.deleteUserUnlessSoleOwner(user.id);
      if (!outcome.deleted) {
        const names = outcome.soleOwnerOf.map((w) => `"${w.name}"`).join(', ');
        throw new UserError(
          ErrorCodes.conflict,
          `You are the only owner of ${names}: delete them or make someone else an owner first`,
        );
      }
      clearSessionCookie(c, cookieSecure);
      await audit(c, user, { action: 'user.deleted', target: { type: 'user', id: user.id } });
      // Every socket of the account closes now (4401): its cookie and tokens are gone.
      await revalidate({ userId: user.id });
      return reply(204);
    }),
  ]);

import * as routes from '#shared/api/routes/me.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { getNodeDefinition } from '#shared/nodes/index.ts';
import type { Context } from 'hono';
import type { AccountStore, User } from '../../accounts/account-store.ts';
import type { FavouritesStore } from '../../accounts/favourites-store.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../accounts/passwords.ts';
import type { WorkflowService } from '../../workflows/workflow-service.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { clearSessionCookie, setSessionCookie, type AppEnv, type SocketRevalidator } from '../auth.ts';
import { userDto } from './auth.ts';
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
}: MeRouteDeps) => {
  /** A password check like log-in's, limited like it: a stolen session must not guess without end. */
  const checkPassword = async (c: Context<AppEnv>, user: User, password: string): Promise<void> => {
    await limits.attempt(clientAddress(c, trustProxy));
    await limits.checkAccount(user.email);
    const ok = await verifyPassword(password, (await accounts.passwordHashOf(user.id)) ?? (await DUMMY_HASH_PROMISE));
    if (!ok) {
      await limits.failed(user.email);
      throw new UserError(ErrorCodes.forbidden, 'The password is wrong');
    }
  };
  return contractRoutes('/api/me', [
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
    implement(routes.updateMe, async (c, { user, body }, reply) => {
      const { name } = await body();
      if (!(await accounts.setName(user.id, name))) throw new UserError(ErrorCodes.notFound, 'No such account');
      await audit(c, user, { action: 'user.renamed', target: { type: 'user', id: user.id } });
      return reply(200, { user: userDto({ ...user, name }) });
    }),
    implement(routes.changePassword, async (c, { user, body }, reply) => {
      const { currentPassword, newPassword } = await body();
      await checkPassword(c, user, currentPassword);
      await accounts.setPasswordHash(user.id, await hashPassword(newPassword));
      // setPasswordHash ended every session: this one continues under a new cookie, the others are signed out.
      const session = await accounts.createSession(user.id, c.req.header('user-agent'));
      setSessionCookie(c, session.token, session.expiresAt, cookieSecure);
      await audit(c, user, { action: 'user.password_changed', target: { type: 'user', id: user.id } });
      await revalidate({ userId: user.id });
      return reply(204);
    }),
    implement(routes.deleteAccount, async (c, { user, body }, reply) => {
      const { password } = await body();
      await checkPassword(c, user, password);
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
};

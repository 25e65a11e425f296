import type { SignupPolicy } from '#shared/api/settings.ts';
import type { Context } from 'hono';
import * as routes from '#shared/api/routes/invitations.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { InvitationDto } from '#shared/api/access.ts';
import { consumeOrRefuse, RateLimiters, type SharedCounts } from '../rate-limiters.ts';
import type { MailSender } from '../../mail/mail-sender.ts';
import { invitationMail } from '../../mail/invitation-mail.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { publicBase } from '../public-base.ts';
import { MAX_PENDING_INVITATIONS } from './workflows.ts';
import { audit, auditLater } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

/** Addresses one person may invite by email per hour: enough for a team, too few to send spam through an open instance. */
export const EMAIL_INVITES_PER_HOUR = 100;

/** Counts, per inviting account, the addresses mailed (in Redis in a cluster: http/rate-limiters.ts). */
export class InvitationLimits {
  private readonly limiters: RateLimiters;
  private readonly perOwner;

  constructor(options: { perHour?: number; shared?: SharedCounts } = {}) {
    this.limiters = new RateLimiters(options.shared);
    this.perOwner = this.limiters.limiter('mail:owner', options.perHour ?? EMAIL_INVITES_PER_HOUR, 60 * 60);
  }

  /** Counts `n` addresses for this account; throws 429 past the limit. */
  async attempt(userId: string, n: number): Promise<void> {
    await consumeOrRefuse(this.perOwner, userId, 'invitations by email from your account', n);
  }

  close(): void {
    this.limiters.close();
  }
}

/**
 * Invitations by email (issue 14 scope 2) and what the web app needs to know
 * to offer them. The invitations are today's address-bound ones; the mail
 * only carries the way to them.
 */
export const invitationRoutes = (deps: {
  store: WorkflowStore;
  mail: MailSender;
  limits: InvitationLimits;
  /** WEFT_SIGNUP, for the join page of a share link. */
  signup: () => SignupPolicy;
  trustProxy: boolean;
  publicUrl?: string | undefined;
  now?: () => number;
}) => {
  const now = deps.now ?? Date.now;
  const link = (c: Context): string => `${publicBase(c, deps.trustProxy, deps.publicUrl)}/`;
  return contractRoutes('/api', [
    implement(routes.instanceInfo, (_c, _input, reply) =>
      Promise.resolve(reply(200, { emailInvitations: deps.mail.enabled, signup: deps.signup() })),
    ),
    implement(routes.inviteByEmail, async (c, { user, params, body }, reply) => {
      if (!ID_PATTERN.test(params.id)) throw new UserError(ErrorCodes.notFound, `Workflow ${params.id} does not exist`);
      const id = params.id;
      await requireAccess(deps.store, id, user, 'manageMembers');
      if (!deps.mail.enabled) {
        throw new UserError(ErrorCodes.conflict, 'Email is not set up on this server; share a link instead');
      }
      const { emails, role, message } = await body();
      const unique = [...new Set(emails)];
      const members = new Set<string>();
      const invite: string[] = [];
      for (const email of unique) {
        if (await deps.store.memberByEmail(id, email)) members.add(email);
        else invite.push(email);
      }
      await deps.limits.attempt(user.id, invite.length);
      const workflow = await deps.store.get(id);
      const invitations: InvitationDto[] = [];
      for (const email of invite) {
        invitations.push(await deps.store.invite(id, email, role, user.id, now(), MAX_PENDING_INVITATIONS));
      }
      // Recorded before any mail goes, so the trail never has an invitation emailed before it was made.
      await audit(
        c,
        user,
        invitations.map((invitation) => ({
          action: 'member.invited',
          workflowId: id,
          target: { type: 'invitation', id: invitation.id },
          data: { role, email: invitation.email, byEmail: true },
        })),
      );
      const url = link(c);
      const recordLater = await auditLater(c, user);
      for (const invitation of invitations) {
        deps.mail.sendLater(
          invitationMail({
            to: invitation.email,
            inviter: user.name,
            workflowName: workflow?.name ?? 'a workflow',
            role,
            message,
            url,
          }),
          // Per address, once its tries are over; the mail's text (the inviter's message) is not recorded.
          (outcome) =>
            recordLater({
              action: outcome.sent ? 'invitation.emailed' : 'invitation.email_failed',
              workflowId: id,
              target: { type: 'invitation', id: invitation.id },
              data: {
                email: invitation.email,
                attempts: outcome.attempts,
                ...(outcome.sent ? {} : { error: outcome.error }),
              },
            }),
        );
      }
      return reply(202, { invitations, members: [...members], emailed: true });
    }),
  ]);
};

import { z } from 'zod';
import { instanceSchema } from '../instance.ts';
import { invitationSchema } from '../access.ts';
import { defineRoute } from '../contract.ts';
import { emailSchema, roleSchema } from '../index.ts';
import { conflict, notAMember, notFound, ok, tooMany } from './responses.ts';

/** The longest personal message an invitation carries. */
export const MAX_INVITATION_MESSAGE = 1000;

export const emailInvitationsRequest = z.strictObject({
  emails: z.array(emailSchema).min(1).max(20),
  role: roleSchema,
  message: z.string().max(MAX_INVITATION_MESSAGE).optional(),
});

export const inviteByEmail = defineRoute({
  operationId: 'inviteByEmail',
  method: 'post',
  path: '/api/workflows/{id}/invitations',
  tag: 'workflows',
  summary: 'Invite addresses by email, with a message',
  description:
    'Each address that is not a member gets an invitation bound to it (as `POST /members` makes) and a mail with a link to accept it; members are left as they are. The mails go out after the answer. Needs SMTP (`WEFT_SMTP_URL`); without it, 409, and the share links are the way to invite.',
  auth: 'user',
  params: { id: 'The workflow id' },
  body: emailInvitationsRequest,
  responses: {
    202: ok(
      z.object({
        invitations: z.array(invitationSchema),
        /** Addresses that are members already: nothing was sent to them. */
        members: z.array(z.string()),
        emailed: z.literal(true),
      }),
      'Invited; the mails are on their way',
    ),
    403: notAMember('invite people to it'),
    404: notFound('no such workflow'),
    409: conflict('email is not set up on this server, or too many invitations are pending'),
    429: tooMany('invitations by email'),
  },
});

export const instanceInfo = defineRoute({
  operationId: 'instanceInfo',
  method: 'get',
  path: '/api/instance',
  tag: 'meta',
  summary: 'What this server offers that the web app adapts to',
  description:
    'Public: a signed-out visitor of a share link learns whether they may sign up (the sign-up route answers that to anyone already).',
  auth: 'none',
  responses: {
    200: ok(instanceSchema, 'The instance'),
  },
});

import { z } from 'zod';
import { createdLinkSchema, createLinkRequest, joinedLinkSchema, linkPreviewSchema, linkSchema } from '../links.ts';
import { defineRoute } from '../contract.ts';
import { gone, invalid, noContent, notAMember, notFound, ok, tooMany, workflowNotFound } from './responses.ts';

const tag = 'links';
const id = { id: 'The workflow id' };
const token = { token: 'The token the link’s URL ends with' };
const linkGone = gone(
  'the link expired, was used by as many people as it allows, or was turned off by its owner (the message says which)',
);
const unknownLink = notFound('no link with this token');
const limited = tooMany('too many link requests from this address');

export const createLink = defineRoute({
  operationId: 'createLink',
  method: 'post',
  path: '/api/workflows/{id}/links',
  tag,
  summary: 'Make a share link',
  description:
    'Whoever opens it (signed in) joins with its role, until it expires, is used by `maxUses` people or is revoked. Never an owner. Owners only.',
  auth: 'user',
  params: id,
  body: createLinkRequest,
  responses: {
    201: ok(createdLinkSchema, 'The link, with its token and URL'),
    400: invalid(
      '`role: owner`, an `expiresAt` in the past or more than a year ahead, `maxUses` outside 1–10,000, a label over 100 characters, or an unknown field',
    ),
    403: notAMember('manage its members'),
    404: workflowNotFound,
  },
});

export const listLinks = defineRoute({
  operationId: 'listLinks',
  method: 'get',
  path: '/api/workflows/{id}/links',
  tag,
  summary: "A workflow's share links, with who joined through each",
  description: 'Newest first, revoked ones included. Owners only.',
  auth: 'user',
  params: id,
  responses: {
    200: ok(z.object({ links: z.array(linkSchema) }), 'The links'),
    403: notAMember('manage its members'),
    404: workflowNotFound,
  },
});

export const revokeLink = defineRoute({
  operationId: 'revokeLink',
  method: 'delete',
  path: '/api/workflows/{id}/links/{linkId}',
  tag,
  summary: 'Turn a share link off',
  description:
    'People who joined through it stay members (remove them in Members). Revoking a revoked link is no error. Owners only.',
  auth: 'user',
  params: { ...id, linkId: 'The link id' },
  responses: {
    204: noContent('Revoked'),
    403: notAMember('manage its members'),
    404: notFound('no such workflow, or no such link of it'),
  },
});

export const previewLink = defineRoute({
  operationId: 'previewLink',
  method: 'get',
  path: '/api/links/{token}',
  tag,
  summary: 'What a share link offers, before joining',
  description: 'Needs no sign-in. Rate-limited per address.',
  auth: 'none',
  params: token,
  responses: {
    200: ok(linkPreviewSchema, 'The workflow, the role and who invites'),
    404: unknownLink,
    410: linkGone,
    429: limited,
  },
});

export const joinLink = defineRoute({
  operationId: 'joinLink',
  method: 'post',
  path: '/api/links/{token}/join',
  tag,
  summary: 'Join a workflow through a share link',
  description:
    'Makes the caller a member with the link’s role, or raises their role to it; never lowers one. A member it does not raise gets 200 as well, with the role they hold. Rate-limited per address.',
  auth: 'user',
  params: token,
  responses: {
    200: ok(joinedLinkSchema, 'A member now (or already)'),
    404: unknownLink,
    410: linkGone,
    429: limited,
  },
});

import { z } from 'zod';
import { inboxPageSchema, inboxQuery, markInboxReadRequest } from '../inbox.ts';
import { defineRoute } from '../contract.ts';
import { noContent, ok } from './responses.ts';

const tag = 'me';

export const listInbox = defineRoute({
  operationId: 'listInbox',
  method: 'get',
  path: '/api/me/inbox',
  tag,
  summary: "The caller's mentions and replies, newest first, of workflows they are still a member of",
  auth: 'user',
  query: inboxQuery,
  responses: { 200: ok(inboxPageSchema, 'A page of the inbox and the unread count') },
});

export const countUnreadInbox = defineRoute({
  operationId: 'countUnreadInbox',
  method: 'get',
  path: '/api/me/inbox/unread',
  tag,
  summary: 'How many of the caller’s inbox items are unread',
  auth: 'user',
  responses: { 200: ok(z.object({ unread: z.number().int() }), 'The unread count') },
});

export const markInboxRead = defineRoute({
  operationId: 'markInboxRead',
  method: 'post',
  path: '/api/me/inbox/read',
  tag,
  summary: 'Mark some or all of the caller’s inbox items read',
  auth: 'user',
  body: markInboxReadRequest,
  responses: { 204: noContent('Marked (ids of items that are not the caller’s change nothing)') },
});

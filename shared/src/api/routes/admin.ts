import { z } from 'zod';
import { signupRequest } from '../index.ts';
import { adminUserSchema } from '../access.ts';
import { defineRoute } from '../contract.ts';
import { conflict, forbidden, notFound, ok } from './responses.ts';

const tag = 'admin';
const notAdmin = forbidden('only the instance admin may');
const userBody = z.object({ user: adminUserSchema });

export const listUsers = defineRoute({
  operationId: 'listUsers',
  method: 'get',
  path: '/api/admin/users',
  tag,
  summary: 'Every account (instance admin)',
  auth: 'user',
  responses: { 200: ok(z.object({ users: z.array(adminUserSchema) }), 'The accounts'), 403: notAdmin },
});

export const createUser = defineRoute({
  operationId: 'createUser',
  method: 'post',
  path: '/api/admin/users',
  tag,
  summary: 'Make an account (instance admin)',
  description: 'How people get an account when sign-up is closed.',
  auth: 'user',
  body: signupRequest,
  responses: {
    201: ok(userBody, 'The new account'),
    403: notAdmin,
    409: conflict('an account with this email already exists'),
  },
});

const setDisabled = (disable: boolean) =>
  ({
    auth: 'user',
    tag,
    params: { id: 'The account id' },
    responses: {
      200: ok(userBody, disable ? 'Disabled: its sessions end, its sockets close, its tokens stop working' : 'Enabled'),
      403: notAdmin,
      404: notFound('no such account'),
      409: conflict('admins cannot disable or enable their own account'),
    },
  }) as const;

export const disableUser = defineRoute({
  operationId: 'disableUser',
  method: 'post',
  path: '/api/admin/users/{id}/disable',
  summary: 'Disable an account (instance admin)',
  ...setDisabled(true),
});

export const enableUser = defineRoute({
  operationId: 'enableUser',
  method: 'post',
  path: '/api/admin/users/{id}/enable',
  summary: 'Enable an account again (instance admin)',
  ...setDisabled(false),
});

const setAdmin = (admin: boolean) =>
  ({
    auth: 'user',
    tag,
    path: '/api/admin/users/{id}/admin',
    params: { id: 'The account id' },
    responses: {
      200: ok(userBody, admin ? 'An admin now: an owner of every workflow' : 'No longer an admin'),
      403: notAdmin,
      404: notFound('no such account'),
      409: conflict('admins cannot change their own admin role, nor remove the last enabled admin'),
    },
  }) as const;

export const makeAdmin = defineRoute({
  operationId: 'makeAdmin',
  method: 'post',
  summary: 'Make an account an instance admin (instance admin)',
  ...setAdmin(true),
});

export const removeAdmin = defineRoute({
  operationId: 'removeAdmin',
  method: 'delete',
  summary: 'Take the instance admin role from an account (instance admin)',
  description: 'Its open sockets are checked again: on workflows it was not a member of, they close.',
  ...setAdmin(false),
});

const bytes = z.number().int();

export const getMetrics = defineRoute({
  operationId: 'getMetrics',
  method: 'get',
  path: '/api/admin/metrics',
  tag,
  summary: "The server's health (instance admin)",
  auth: 'user',
  responses: {
    200: ok(
      z.object({
        uptimeSeconds: z.number().int(),
        /** Workflow documents loaded in memory. */
        rooms: z.number().int(),
        /** Open sync sockets. */
        sockets: z.number().int(),
        memory: z.object({
          rss: bytes,
          heapUsed: bytes,
          heapTotal: bytes,
          external: bytes,
          arrayBuffers: bytes,
          mallocedMemory: bytes,
        }),
      }),
      'Uptime, loaded documents, sockets and memory (bytes)',
    ),
    403: notAdmin,
  },
});

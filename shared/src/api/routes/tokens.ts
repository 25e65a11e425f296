import { z } from 'zod';
import { apiTokenSchema, createdApiTokenSchema, createTokenRequest } from '../index.ts';
import { defineRoute } from '../contract.ts';
import { invalid, noContent, notFound, ok } from './responses.ts';

const tag = 'tokens';

export const createToken = defineRoute({
  operationId: 'createToken',
  method: 'post',
  path: '/api/tokens',
  tag,
  summary: 'Create a personal API token',
  description:
    'The answer is the only time the token is shown; it is stored hashed. Send it as `Authorization: Bearer <token>`. ' +
    '`expiresAt` (epoch ms, in the future) makes it stop working then: 401 on REST, its sockets close.',
  auth: 'user',
  body: createTokenRequest,
  responses: {
    201: ok(createdApiTokenSchema, 'The new token, with its secret'),
    400: invalid('an expiry in the past'),
  },
});

export const listTokens = defineRoute({
  operationId: 'listTokens',
  method: 'get',
  path: '/api/tokens',
  tag,
  summary: "The caller's API tokens (never their secrets)",
  auth: 'user',
  responses: { 200: ok(z.object({ tokens: z.array(apiTokenSchema) }), 'Every token of the account') },
});

export const deleteToken = defineRoute({
  operationId: 'deleteToken',
  method: 'delete',
  path: '/api/tokens/{id}',
  tag,
  summary: 'Revoke an API token',
  description: 'Sockets opened with it close at once.',
  auth: 'user',
  params: { id: 'The token id' },
  responses: { 204: noContent('Revoked'), 404: notFound('no such token of this account') },
});

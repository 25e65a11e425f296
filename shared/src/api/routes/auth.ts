import { z } from 'zod';
import { loginRequest, selfSignupRequest, userSchema } from '../index.ts';
import { sessionSchema } from '../access.ts';
import { defineRoute, errorResponse } from '../contract.ts';
import { conflict, forbidden, noContent, notFound, ok, tooMany } from './responses.ts';

const tag = 'auth';
const userBody = z.object({ user: userSchema });
const limited = tooMany('too many sign-in attempts from this address or for this account');

export const signup = defineRoute({
  operationId: 'signup',
  method: 'post',
  path: '/api/auth/signup',
  tag,
  summary: 'Create an account and sign in',
  description:
    'The first account becomes the instance admin. Sets the session cookie. With sign-up `invite`, only an address ' +
    'with a pending invitation, or a request naming a live join link (`link`), may sign up.',
  auth: 'none',
  body: selfSignupRequest,
  responses: {
    201: ok(userBody, 'The new account; the session cookie is set'),
    403: forbidden('sign-up is closed on this instance, or invite-only and this address has no invitation'),
    409: conflict('an account with this email already exists'),
    429: limited,
  },
});

export const login = defineRoute({
  operationId: 'login',
  method: 'post',
  path: '/api/auth/login',
  tag,
  summary: 'Sign in with email and password',
  description: 'Sets the session cookie (30 days).',
  auth: 'none',
  body: loginRequest,
  responses: {
    200: ok(userBody, 'Signed in; the session cookie is set'),
    401: errorResponse('`unauthorized`: wrong email or password'),
    403: forbidden('the account was disabled by the instance admin'),
    429: limited,
  },
});

export const logout = defineRoute({
  operationId: 'logout',
  method: 'post',
  path: '/api/auth/logout',
  tag,
  summary: 'End this session',
  description: "Ends the session cookie's session and closes the sockets opened with it.",
  auth: 'optional',
  responses: { 204: noContent('Signed out; the cookie is cleared') },
});

export const me = defineRoute({
  operationId: 'me',
  method: 'get',
  path: '/api/auth/me',
  tag,
  summary: 'Who the caller is',
  auth: 'user',
  responses: { 200: ok(userBody, 'The signed-in account') },
});

export const listSessions = defineRoute({
  operationId: 'listSessions',
  method: 'get',
  path: '/api/auth/sessions',
  tag,
  summary: "The caller's signed-in browsers",
  auth: 'user',
  responses: { 200: ok(z.object({ sessions: z.array(sessionSchema) }), 'Every session of the account') },
});

export const revokeOtherSessions = defineRoute({
  operationId: 'revokeOtherSessions',
  method: 'post',
  path: '/api/auth/sessions/revoke-others',
  tag,
  summary: 'Sign out every other browser',
  description: "Ends every session but this request's own (all of them when it came with an API token).",
  auth: 'user',
  responses: { 200: ok(z.object({ ended: z.number().int() }), 'How many sessions ended') },
});

export const deleteSession = defineRoute({
  operationId: 'deleteSession',
  method: 'delete',
  path: '/api/auth/sessions/{id}',
  tag,
  summary: 'Sign out one browser',
  auth: 'user',
  params: { id: 'The session id from `GET /api/auth/sessions`' },
  responses: { 204: noContent('The session ended'), 404: notFound('no such session of this account') },
});

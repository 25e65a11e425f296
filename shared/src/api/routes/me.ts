import { z } from 'zod';
import { favouritesBody, userSchema, workflowSchema } from '../index.ts';
import { changePasswordRequest, deleteAccountRequest, receivedInvitationSchema, updateMeRequest } from '../access.ts';
import { defineRoute, errorResponse } from '../contract.ts';
import { conflict, forbidden, noContent, notFound, ok, tooMany } from './responses.ts';

const tag = 'me';
const favourites = z.object({ types: z.array(z.string()) });
const noInvitation = notFound('no such invitation for the caller');

export const getFavourites = defineRoute({
  operationId: 'getFavourites',
  method: 'get',
  path: '/api/me/favourites',
  tag,
  summary: "The caller's starred node types, in order",
  auth: 'user',
  responses: { 200: ok(favourites, 'The starred node types') },
});

export const setFavourites = defineRoute({
  operationId: 'setFavourites',
  method: 'put',
  path: '/api/me/favourites',
  tag,
  summary: "Replace the caller's starred node types",
  auth: 'user',
  body: favouritesBody,
  responses: {
    200: ok(favourites, 'The list as stored'),
    400: errorResponse('`bad_request`: a listed node type does not exist'),
  },
});

export const listMyInvitations = defineRoute({
  operationId: 'listMyInvitations',
  method: 'get',
  path: '/api/me/invitations',
  tag,
  summary: "Invitations to workflows addressed to the caller's email",
  auth: 'user',
  responses: { 200: ok(z.object({ invitations: z.array(receivedInvitationSchema) }), 'Pending invitations') },
});

export const acceptInvitation = defineRoute({
  operationId: 'acceptInvitation',
  method: 'post',
  path: '/api/me/invitations/{id}/accept',
  tag,
  summary: 'Accept an invitation: become a member of its workflow',
  auth: 'user',
  params: { id: 'The invitation id' },
  responses: { 200: ok(workflowSchema, 'The workflow, with the role the invitation gave'), 404: noInvitation },
});

export const declineInvitation = defineRoute({
  operationId: 'declineInvitation',
  method: 'post',
  path: '/api/me/invitations/{id}/decline',
  tag,
  summary: 'Decline an invitation',
  auth: 'user',
  params: { id: 'The invitation id' },
  responses: { 204: noContent('Declined'), 404: noInvitation },
});

export const deleteAccount = defineRoute({
  operationId: 'deleteAccount',
  method: 'delete',
  path: '/api/me',
  tag,
  summary: "Delete the caller's account",
  description: 'Takes the password again; checked under the same limits as signing in.',
  auth: 'user',
  body: deleteAccountRequest,
  responses: {
    204: noContent('The account, its sessions and its tokens are gone'),
    403: forbidden('the password is wrong'),
    409: conflict('the instance admin cannot delete their account, nor can the only owner of a workflow'),
    429: tooMany('too many password attempts'),
  },
});

export const updateMe = defineRoute({
  operationId: 'updateMe',
  method: 'patch',
  path: '/api/me',
  tag,
  summary: "Change the caller's name",
  auth: 'user',
  body: updateMeRequest,
  responses: { 200: ok(z.object({ user: userSchema }), 'The account as it is now') },
});

export const changePassword = defineRoute({
  operationId: 'changePassword',
  method: 'post',
  path: '/api/me/password',
  tag,
  summary: "Change the caller's password",
  description:
    'Takes the current password (checked under the same limits as signing in). Every other session ends and ' +
    'its sockets close; the caller gets a new session cookie. API tokens keep working.',
  auth: 'user',
  body: changePasswordRequest,
  responses: {
    204: noContent('Changed; a new session cookie is set'),
    403: forbidden('the current password is wrong'),
    429: tooMany('too many password attempts'),
  },
});

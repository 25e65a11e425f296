import { z } from 'zod';
import { createCredentialRequest, credentialSchema } from '../credentials.ts';
import { credentialGrantSchema, grantCredentialRequest } from '../access.ts';
import { defineRoute } from '../contract.ts';
import { noContent, notAMember, notFound, ok } from './responses.ts';

const tag = 'credentials';
const id = { id: 'The credential id' };
const noCredential = notFound('no credential with this id of the caller’s');
const grantBody = z.object({ grant: credentialGrantSchema });

export const listCredentials = defineRoute({
  operationId: 'listCredentials',
  method: 'get',
  path: '/api/credentials',
  tag,
  summary: "The caller's credentials (never their secrets)",
  auth: 'user',
  responses: { 200: ok(z.object({ credentials: z.array(credentialSchema) }), 'The credentials') },
});

export const createCredential = defineRoute({
  operationId: 'createCredential',
  method: 'post',
  path: '/api/credentials',
  tag,
  summary: 'Store a credential (encrypted at rest; write-only)',
  auth: 'user',
  body: createCredentialRequest,
  responses: { 201: ok(credentialSchema, 'The credential, without its secret') },
});

export const deleteCredential = defineRoute({
  operationId: 'deleteCredential',
  method: 'delete',
  path: '/api/credentials/{id}',
  tag,
  summary: 'Delete a credential',
  auth: 'user',
  params: id,
  responses: { 204: noContent('Deleted'), 404: noCredential },
});

export const listCredentialGrants = defineRoute({
  operationId: 'listCredentialGrants',
  method: 'get',
  path: '/api/credentials/{id}/grants',
  tag,
  summary: 'The workflows a credential is granted to',
  auth: 'user',
  params: id,
  responses: { 200: ok(z.object({ grants: z.array(credentialGrantSchema) }), 'The grants'), 404: noCredential },
});

export const grantCredential = defineRoute({
  operationId: 'grantCredential',
  method: 'post',
  path: '/api/credentials/{id}/grants',
  tag,
  summary: "Let a workflow's runs use a credential",
  description: "The credential's owner alone may, for a workflow they can read; granting again changes nothing.",
  auth: 'user',
  params: id,
  body: grantCredentialRequest,
  responses: {
    200: ok(grantBody, 'It was granted already'),
    201: ok(grantBody, 'Granted'),
    403: notAMember('read it'),
    404: notFound('no such credential of the caller’s, or no such workflow'),
  },
});

export const revokeCredentialGrant = defineRoute({
  operationId: 'revokeCredentialGrant',
  method: 'delete',
  path: '/api/credentials/{id}/grants/{workflowId}',
  tag,
  summary: 'Take a grant back',
  auth: 'user',
  params: { ...id, workflowId: 'The workflow id' },
  responses: {
    204: noContent('Revoked'),
    404: notFound('no such credential of the caller’s, or it is not granted to that workflow'),
  },
});

import {
  namedVersionSchema,
  restoreResultSchema,
  undoRestoreResultSchema,
  versionDetailSchema,
  versionListQuery,
  versionListSchema,
  versionNameRequest,
  versionSchema,
} from '../versions.ts';
import { defineRoute } from '../contract.ts';
import { conflict, invalid, locked, notAMember, notFound, ok } from './responses.ts';

const tag = 'versions';
const noVersion = notFound('no workflow with this id, or no version of it with this id');

export const listVersions = defineRoute({
  operationId: 'listVersions',
  method: 'get',
  path: '/api/workflows/{id}/versions',
  tag,
  summary: "A workflow's version history, newest first",
  description:
    'Auto versions are cut from an editing session once nobody edited for a while; named, publish and restore versions are made by someone.',
  auth: 'user',
  params: { id: 'The workflow id' },
  query: versionListQuery,
  responses: {
    200: ok(versionListSchema, 'One page'),
    400: invalid('a bad cursor, limit or kind'),
    403: notAMember('read it'),
    404: notFound('no workflow with this id'),
  },
});

export const createVersion = defineRoute({
  operationId: 'createVersion',
  method: 'post',
  path: '/api/workflows/{id}/versions',
  tag,
  summary: 'Name the workflow as it is now',
  description: 'Saves the live document as a named version; it closes the open editing session.',
  auth: 'user',
  params: { id: 'The workflow id' },
  body: versionNameRequest,
  responses: {
    201: ok(namedVersionSchema, 'The named version'),
    400: invalid('an empty name, or one over 100 characters'),
    403: notAMember('edit it'),
    404: notFound('no workflow with this id'),
  },
});

export const renameVersion = defineRoute({
  operationId: 'renameVersion',
  method: 'patch',
  path: '/api/workflows/{id}/versions/{versionId}',
  tag,
  summary: 'Name a version after the fact',
  auth: 'user',
  params: { id: 'The workflow id', versionId: 'The history entry id' },
  body: versionNameRequest,
  responses: {
    200: ok(versionSchema, 'The version'),
    400: invalid('an empty name, or one over 100 characters'),
    403: notAMember('edit it'),
    404: noVersion,
  },
});

export const getVersion = defineRoute({
  operationId: 'getVersion',
  method: 'get',
  path: '/api/workflows/{id}/versions/{ref}',
  tag,
  summary: 'One version with its definition',
  description: 'By history entry id, or by the 64-hex version hash that executions name.',
  auth: 'user',
  params: { id: 'The workflow id', ref: 'A history entry id or a version hash' },
  responses: { 200: ok(versionDetailSchema, 'The version'), 403: notAMember('read it'), 404: noVersion },
});

export const restoreVersion = defineRoute({
  operationId: 'restoreVersion',
  method: 'post',
  path: '/api/workflows/{id}/versions/{versionId}/restore',
  tag,
  summary: 'Make the live document this version again',
  description:
    'One server transaction on the live document: only what differs is written, so edits arriving afterwards merge on top. The state before is saved as a version, and undo returns to it.',
  auth: 'user',
  params: { id: 'The workflow id', versionId: 'The history entry id' },
  responses: {
    200: ok(restoreResultSchema, 'Restored'),
    400: invalid('the version is not a valid workflow'),
    403: notAMember('edit it'),
    404: noVersion,
    423: locked('restore it'),
  },
});

export const undoRestore = defineRoute({
  operationId: 'undoRestore',
  method: 'post',
  path: '/api/workflows/{id}/versions/{versionId}/undo',
  tag,
  summary: 'Undo a restore, keeping what people changed since',
  auth: 'user',
  params: { id: 'The workflow id', versionId: 'The id of a `restore` history entry' },
  responses: {
    200: ok(undoRestoreResultSchema, 'Undone'),
    403: notAMember('edit it'),
    404: noVersion,
    409: conflict('the entry is not a restore'),
    423: locked('undo the restore'),
  },
});

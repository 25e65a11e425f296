import { z } from 'zod';
import {
  createFolderRequest,
  createTagRequest,
  fileWorkflowRequest,
  folderListSchema,
  folderSchema,
  renameTagRequest,
  tagListSchema,
  tagSchema,
  tagWorkflowRequest,
  updateFolderRequest,
  workflowTagSchema,
} from '../home.ts';
import { defineRoute } from '../contract.ts';
import { conflict, forbidden, noContent, notAMember, notFound, ok, workflowNotFound } from './responses.ts';

export const listTags = defineRoute({
  operationId: 'listTags',
  method: 'get',
  path: '/api/tags',
  tag: 'tags',
  summary: 'Tags on the workflows the caller may read, and the ones they made',
  auth: 'user',
  responses: { 200: ok(tagListSchema, 'By name') },
});

export const createTag = defineRoute({
  operationId: 'createTag',
  method: 'post',
  path: '/api/tags',
  tag: 'tags',
  summary: 'Create a tag (any signed-in person)',
  auth: 'user',
  body: createTagRequest,
  responses: {
    201: ok(tagSchema, 'The new tag'),
    409: conflict('a tag of this name exists (any case), or the caller has made 1,000 tags'),
  },
});

export const renameTag = defineRoute({
  operationId: 'renameTag',
  method: 'patch',
  path: '/api/tags/{id}',
  tag: 'tags',
  summary: 'Rename a tag (its maker or an admin)',
  description: 'Tags are instance-wide: the new name shows on every workflow that carries it.',
  auth: 'user',
  params: { id: 'The tag id' },
  body: renameTagRequest,
  responses: {
    200: ok(tagSchema, 'Renamed'),
    403: forbidden('only its maker or an admin renames a tag'),
    404: notFound('no such tag the caller can see'),
    409: conflict('another tag has this name'),
  },
});

export const deleteTag = defineRoute({
  operationId: 'deleteTag',
  method: 'delete',
  path: '/api/tags/{id}',
  tag: 'tags',
  summary: 'Delete a tag from every workflow (its maker or an admin)',
  auth: 'user',
  params: { id: 'The tag id' },
  responses: {
    204: noContent('Deleted'),
    403: forbidden('only its maker or an admin deletes a tag'),
    404: notFound('no such tag the caller can see'),
  },
});

export const tagWorkflow = defineRoute({
  operationId: 'tagWorkflow',
  method: 'post',
  path: '/api/workflows/{id}/tags',
  tag: 'tags',
  summary: 'Tag a workflow by name (editors), making the tag if there is none of that name',
  auth: 'user',
  params: { id: 'The workflow id' },
  body: tagWorkflowRequest,
  responses: {
    200: ok(workflowTagSchema, 'Tagged'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    409: conflict('the workflow carries 50 tags, or a new tag would be past the 1,000 a person makes'),
  },
});

export const untagWorkflow = defineRoute({
  operationId: 'untagWorkflow',
  method: 'delete',
  path: '/api/workflows/{id}/tags/{tagId}',
  tag: 'tags',
  summary: 'Take a tag off a workflow (editors)',
  auth: 'user',
  params: { id: 'The workflow id', tagId: 'The tag id' },
  responses: { 204: noContent('Untagged'), 403: notAMember('edit it'), 404: notFound('no such workflow or tag on it') },
});

export const listFolders = defineRoute({
  operationId: 'listFolders',
  method: 'get',
  path: '/api/folders',
  tag: 'folders',
  summary: "The caller's own folders (nobody else sees them)",
  auth: 'user',
  responses: { 200: ok(folderListSchema, 'By name') },
});

export const createFolder = defineRoute({
  operationId: 'createFolder',
  method: 'post',
  path: '/api/folders',
  tag: 'folders',
  summary: 'Create a folder of the caller’s',
  auth: 'user',
  body: createFolderRequest,
  responses: {
    201: ok(folderSchema, 'The new folder'),
    404: notFound('no such parent folder of the caller'),
    409: conflict('too many folders'),
  },
});

export const updateFolder = defineRoute({
  operationId: 'updateFolder',
  method: 'patch',
  path: '/api/folders/{id}',
  tag: 'folders',
  summary: 'Rename or move a folder of the caller’s',
  auth: 'user',
  params: { id: 'The folder id' },
  body: updateFolderRequest,
  responses: {
    200: ok(folderSchema, 'Changed'),
    404: notFound('no such folder of the caller'),
    409: conflict('a folder cannot move into itself'),
  },
});

export const deleteFolder = defineRoute({
  operationId: 'deleteFolder',
  method: 'delete',
  path: '/api/folders/{id}',
  tag: 'folders',
  summary: 'Delete a folder of the caller’s: its sub-folders move up, its workflows become unfiled',
  auth: 'user',
  params: { id: 'The folder id' },
  responses: { 204: noContent('Deleted'), 404: notFound('no such folder of the caller') },
});

export const fileWorkflow = defineRoute({
  operationId: 'fileWorkflow',
  method: 'put',
  path: '/api/workflows/{id}/folder',
  tag: 'folders',
  summary: 'File a workflow the caller may read in one of their folders, or in none',
  auth: 'user',
  params: { id: 'The workflow id' },
  body: fileWorkflowRequest,
  responses: {
    200: ok(z.object({ folderId: z.string().nullable() }), 'Filed'),
    403: notAMember('read it'),
    404: notFound('no such workflow, or no such folder of the caller'),
  },
});

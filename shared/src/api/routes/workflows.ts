import { z } from 'zod';
import { workflowDefinitionSchema } from '../../schema/definition.ts';
import {
  addMemberRequest,
  createWorkflowRequest,
  memberSchema,
  updateWorkflowRequest,
  workflowSchema,
} from '../index.ts';
import { invitationSchema, testWebhookListenSchema, workflowCredentialSchema } from '../access.ts';
import { executionSchema } from '../executions.ts';
import { issueSchema } from '../errors.ts';
import { defineRoute, errorResponse } from '../contract.ts';
import { runScopes } from '../../runs/partial-plan.ts';
import { binaryMapSchema } from '../../runs/item-schema.ts';
import { workflowInputTypes } from '../../nodes/workflows.ts';
import { MAX_VERSION_NAME } from '../versions.ts';
import { workflowListQuery, workflowListSchema } from '../workflow-list.ts';
import {
  conflict,
  invalid,
  locked,
  noContent,
  notAMember,
  notFound,
  ok,
  tooMany,
  workflowNotFound,
} from './responses.ts';

const tag = 'workflows';
const id = { id: 'The workflow id' };

/** Whether a workflow's triggers are on, and which version they serve. */
export const activationSchema = z.object({
  id: z.string(),
  publishedHash: z.string().nullable(),
  active: z.boolean(),
});

export const importedWorkflowSchema = workflowSchema.extend({
  /** What the import could not carry over (unsupported n8n nodes, options, expressions), naming the node. */
  warnings: z.array(issueSchema),
});

/**
 * Import takes either format; the server tells which and validates it
 * itself, listing every problem (shared/src/schema/validate.ts), so the body
 * is any JSON here.
 */
export const importWorkflowBody = z.unknown().meta({
  description:
    "A Weft workflow definition (the `WorkflowDefinition` that export answers) or an n8n workflow export (`{ nodes, connections, … }`: n8n's core nodes are mapped onto Weft's).",
});

export const listWorkflows = defineRoute({
  operationId: 'listWorkflows',
  method: 'get',
  path: '/api/workflows',
  tag,
  summary: 'The workflows the caller can open',
  description:
    'Those they are a member of; the instance admin sees every workflow. Latest change first. Without `limit` (or `cursor`) the whole list; with it, one page and `nextCursor`.',
  auth: 'user',
  query: workflowListQuery,
  responses: {
    200: ok(workflowListSchema, 'The workflows, with the caller’s role'),
    400: invalid('a bad limit or cursor'),
  },
});

export const createWorkflow = defineRoute({
  operationId: 'createWorkflow',
  method: 'post',
  path: '/api/workflows',
  tag,
  summary: 'Create an empty workflow',
  description: 'The caller becomes its owner.',
  auth: 'user',
  body: createWorkflowRequest,
  responses: { 201: ok(workflowSchema, 'The new workflow') },
});

export const importWorkflow = defineRoute({
  operationId: 'importWorkflow',
  method: 'post',
  path: '/api/workflows/import',
  tag,
  summary: 'Create a workflow from a definition (Weft or n8n JSON)',
  description:
    'Node types Weft does not know are kept as "unsupported" nodes with their parameters; everything not carried over is listed in `warnings`.',
  auth: 'user',
  body: importWorkflowBody,
  responses: {
    201: ok(importedWorkflowSchema, 'The new workflow and what the import could not carry over'),
    400: invalid('the definition has problems (each one listed)'),
  },
});

export const getWorkflow = defineRoute({
  operationId: 'getWorkflow',
  method: 'get',
  path: '/api/workflows/{id}',
  tag,
  summary: 'One workflow',
  auth: 'user',
  params: id,
  responses: { 200: ok(workflowSchema, 'The workflow'), 403: notAMember('read it'), 404: workflowNotFound },
});

export const updateWorkflow = defineRoute({
  operationId: 'updateWorkflow',
  method: 'patch',
  path: '/api/workflows/{id}',
  tag,
  summary: 'Rename or redescribe a workflow',
  description: 'Written through the live document: every editor sees it at once.',
  auth: 'user',
  params: id,
  body: updateWorkflowRequest,
  responses: {
    200: ok(workflowSchema, 'The workflow'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    423: locked('rename it'),
  },
});

export const deleteWorkflow = defineRoute({
  operationId: 'deleteWorkflow',
  method: 'delete',
  path: '/api/workflows/{id}',
  tag,
  summary: 'Delete a workflow',
  description: 'Its triggers stop and its runs in flight are stopped first. Owners only.',
  auth: 'user',
  params: id,
  responses: { 204: noContent('Deleted'), 403: notAMember('delete it'), 404: workflowNotFound },
});

export const exportWorkflow = defineRoute({
  operationId: 'exportWorkflow',
  method: 'get',
  path: '/api/workflows/{id}/export',
  tag,
  summary: 'The workflow as a definition (JSON)',
  description: 'What `POST /api/workflows/import` takes back.',
  auth: 'user',
  params: id,
  responses: {
    200: ok(workflowDefinitionSchema, 'The definition of the live document'),
    403: notAMember('read it'),
    404: workflowNotFound,
  },
});

export const publishWorkflow = defineRoute({
  operationId: 'publishWorkflow',
  method: 'post',
  path: '/api/workflows/{id}/publish',
  tag,
  summary: 'Save the document as the production version',
  description: 'An active workflow switches its triggers to the new version at once.',
  auth: 'user',
  params: id,
  responses: {
    200: ok(activationSchema, 'The published version'),
    400: invalid('the workflow cannot run, or a trigger is not valid'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    423: locked('publish it'),
    409: conflict('another active workflow already listens on one of its webhook paths'),
  },
});

export const activateWorkflow = defineRoute({
  operationId: 'activateWorkflow',
  method: 'post',
  path: '/api/workflows/{id}/activate',
  tag,
  summary: 'Turn on the triggers of the published version',
  auth: 'user',
  params: id,
  responses: {
    200: ok(activationSchema, 'Active'),
    400: invalid('a trigger of the published version is not valid'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    423: locked('activate it'),
    409: conflict('not published yet, or another active workflow listens on one of its webhook paths'),
  },
});

export const deactivateWorkflow = defineRoute({
  operationId: 'deactivateWorkflow',
  method: 'post',
  path: '/api/workflows/{id}/deactivate',
  tag,
  summary: 'Turn off its triggers',
  auth: 'user',
  params: id,
  responses: {
    200: ok(activationSchema, 'Inactive'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    423: locked('deactivate it'),
  },
});

export const listenTestWebhook = defineRoute({
  operationId: 'listenTestWebhook',
  method: 'post',
  path: '/api/workflows/{id}/test-webhook/listen',
  tag,
  summary: 'Serve `/webhook-test/<path>` from the current document for 120 s',
  auth: 'user',
  params: id,
  responses: {
    200: ok(testWebhookListenSchema, 'Listening until `expiresAt`'),
    400: invalid('the workflow has no enabled Webhook node with a path'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    409: conflict('another workflow is listening on one of its paths'),
  },
});

export const stopTestWebhook = defineRoute({
  operationId: 'stopTestWebhook',
  method: 'delete',
  path: '/api/workflows/{id}/test-webhook/listen',
  tag,
  summary: 'Stop listening for test events',
  auth: 'user',
  params: id,
  responses: { 204: noContent('Stopped'), 403: notAMember('edit it'), 404: workflowNotFound },
});

/**
 * The run body, optional: `items` are what the trigger puts out (`weft run --input`); `scope`, `destination` and
 * `base` make it a partial run (docs/plans/n8n-daily.md §3.4). Without a `base` nothing is reused.
 */
export const runWorkflowRequest = z.strictObject({
  items: z
    .array(z.strictObject({ json: z.record(z.string(), z.unknown()), binary: binaryMapSchema.optional() }))
    .min(1)
    .max(10_000)
    .optional(),
  scope: z.enum(runScopes).optional().meta({
    description:
      "`all` (the default): the whole workflow; `toHere`: up to and including `destination`; `step`: `destination` only, on its parents' base outputs or pins",
  }),
  destination: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'A node id; required for `toHere` and `step`' }),
  base: z.string().min(1).max(64).optional().meta({
    description:
      'An execution of this workflow whose outputs the run may reuse where the nodes did not change; left out, every node runs',
  }),
});
export type RunWorkflowRequest = z.infer<typeof runWorkflowRequest>;

export const runWorkflow = defineRoute({
  operationId: 'runWorkflow',
  method: 'post',
  path: '/api/workflows/{id}/run',
  tag,
  summary: 'Run the workflow as it is now',
  description:
    "Saves the document as an immutable version and queues a manual run from its Manual Trigger. Follow it with `GET /api/executions/{id}` or on the `/sync` socket. The body is optional: `items` are what the trigger puts out; `scope`, `destination` and `base` make a partial run that reuses the outputs of `base` for nodes that did not change since (their node runs say `origin: reused`). Past the server's reuse cap (WEFT_MAX_REUSE_BYTES) nothing is reused and the execution's log says so.",
  auth: 'user',
  params: id,
  body: runWorkflowRequest,
  bodyOptional: true,
  responses: {
    201: ok(executionSchema, 'The queued execution'),
    400: errorResponse(
      "`validation_failed` (with `issues`): the workflow cannot run (each problem listed); `step_needs_input`: a parent of the step's node has neither a base output nor a pin; `no_trigger`: no trigger leads to the destination; `unknown_destination`: no such node (or none given for `toHere` or `step`); `unknown_base`: `base` is not an execution of this workflow",
    ),
    403: notAMember('run it'),
    404: workflowNotFound,
    409: conflict('`base_not_finished`: the base execution is still queued or running'),
    429: tooMany('too many runs of this workflow are waiting for an engine'),
  },
});

export const listMembers = defineRoute({
  operationId: 'listMembers',
  method: 'get',
  path: '/api/workflows/{id}/members',
  tag,
  summary: "A workflow's members, and its pending invitations",
  description: 'Pending invitations are listed to owners only (empty for others).',
  auth: 'user',
  params: id,
  responses: {
    200: ok(
      z.object({ members: z.array(memberSchema), invitations: z.array(invitationSchema) }),
      'Members and invitations',
    ),
    403: notAMember('read it'),
    404: workflowNotFound,
  },
});

export const addMember = defineRoute({
  operationId: 'addMember',
  method: 'post',
  path: '/api/workflows/{id}/members',
  tag,
  summary: "Invite an address, or change a member's role",
  description:
    'An address that is not a member always gets an invitation (202), whether or not an account uses it: the answer never tells who has an account.',
  auth: 'user',
  params: id,
  body: addMemberRequest,
  responses: {
    200: ok(memberSchema, 'The address was a member; their role is changed'),
    202: ok(z.object({ invitation: invitationSchema }), 'An invitation the address can accept'),
    403: notAMember('manage its members'),
    404: workflowNotFound,
    409: conflict('the last owner cannot be demoted, or too many invitations are pending'),
  },
});

export const removeMember = defineRoute({
  operationId: 'removeMember',
  method: 'delete',
  path: '/api/workflows/{id}/members/{userId}',
  tag,
  summary: 'Remove a member, or leave',
  description: 'Anyone may remove themselves; removing others takes an owner.',
  auth: 'user',
  params: { ...id, userId: 'The member’s account id' },
  responses: {
    204: noContent('Removed; their sockets to the workflow close'),
    403: notAMember('manage its members'),
    404: notFound('no such workflow, or that account is not a member'),
    409: conflict('a workflow needs at least one owner'),
  },
});

export const cancelInvitation = defineRoute({
  operationId: 'cancelInvitation',
  method: 'delete',
  path: '/api/workflows/{id}/invitations/{invitationId}',
  tag,
  summary: 'Cancel a pending invitation',
  auth: 'user',
  params: { ...id, invitationId: 'The invitation id' },
  responses: {
    204: noContent('Cancelled'),
    403: notAMember('manage its members'),
    404: notFound('no such workflow, or no such invitation to it'),
  },
});

export const listWorkflowCredentials = defineRoute({
  operationId: 'listWorkflowCredentials',
  method: 'get',
  path: '/api/workflows/{id}/credentials',
  tag,
  summary: 'The credentials granted to a workflow (never their secrets)',
  auth: 'user',
  params: id,
  responses: {
    200: ok(z.object({ credentials: z.array(workflowCredentialSchema) }), 'What its nodes may use'),
    403: notAMember('read it'),
    404: workflowNotFound,
  },
});

export const workflowInputsQuery = z
  .object({
    version: z.enum(['published', 'named', 'draft']).default('draft').meta({
      description: 'Which version’s trigger: the published one, a named one (`name`), or the document as it is now',
    }),
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_VERSION_NAME)
      .optional()
      .meta({ description: 'With `version=named`: the version’s name in the history (its newest entry of that name)' }),
  })
  .refine((q) => q.version !== 'named' || q.name !== undefined, {
    message: 'a named version needs its name (`name`)',
    path: ['name'],
  });

export const workflowInputsSchema = z.object({
  /** The trigger's input mode; null when the workflow has no Execute Workflow Trigger. */
  inputSource: z.enum(['workflowInputs', 'jsonExample', 'passthrough']).nullable(),
  /** The fields it declares, each with its type (none in "accept all data"). */
  fields: z.array(z.object({ name: z.string(), type: z.enum(workflowInputTypes) })),
  /** Why the declared fields cannot be read (a JSON example that is not an object). */
  error: z.string().optional(),
});

export const getWorkflowInputs = defineRoute({
  operationId: 'getWorkflowInputs',
  method: 'get',
  path: '/api/workflows/{id}/inputs',
  tag,
  summary: 'The inputs a workflow declares in its Execute Workflow Trigger (what a caller maps)',
  auth: 'user',
  params: id,
  query: workflowInputsQuery,
  responses: {
    200: ok(workflowInputsSchema, 'Its trigger’s input mode and fields'),
    403: notAMember('read it'),
    404: notFound('no workflow with this id, it has no published version, or no version of that name'),
  },
});

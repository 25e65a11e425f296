import {
  bulkRetryRequest,
  bulkRetrySchema,
  executionDetailQuery,
  executionDetailSchema,
  executionBinaryQuery,
  executionItemsQuery,
  executionItemsSchema,
  executionListQuery,
  executionListSchema,
  executionLogsSchema,
  executionSchema,
  executionStoppingSchema,
} from '../executions.ts';
import { defineRoute } from '../contract.ts';
import { conflict, noContent, notAMember, notFound, ok, tooMany } from './responses.ts';

const tag = 'executions';
const id = { id: 'The execution id' };
const noExecution = notFound('no execution with this id');

export const listExecutions = defineRoute({
  operationId: 'listExecutions',
  method: 'get',
  path: '/api/executions',
  tag,
  summary: 'Executions of the workflows the caller can read, newest first',
  auth: 'user',
  query: executionListQuery,
  responses: {
    200: ok(executionListSchema, 'One page'),
    403: notAMember('read it (`workflowId`)'),
    404: notFound('no workflow with the `workflowId` given'),
  },
});

export const getExecution = defineRoute({
  operationId: 'getExecution',
  method: 'get',
  path: '/api/executions/{id}',
  tag,
  summary: 'One execution with the results of its node runs',
  auth: 'user',
  params: id,
  query: executionDetailQuery,
  responses: { 200: ok(executionDetailSchema, 'The execution'), 403: notAMember('read it'), 404: noExecution },
});

export const getExecutionItems = defineRoute({
  operationId: 'getExecutionItems',
  method: 'get',
  path: '/api/executions/{id}/items',
  tag,
  summary: "One page of a node run's input or output items",
  description:
    'For runs too large to read whole: the inspector pages through a node run 50 items at a time. A run whose items could not be read back answers no items.',
  auth: 'user',
  params: id,
  query: executionItemsQuery,
  responses: {
    200: ok(executionItemsSchema, 'The page'),
    403: notAMember('read it'),
    404: notFound('no execution with this id, or no such run of that node in it'),
  },
});

export const getExecutionBinary = defineRoute({
  operationId: 'getExecutionBinary',
  method: 'get',
  path: '/api/executions/{id}/binary',
  tag,
  summary: "One file a node run's item carries, as a download",
  description:
    "The decoded bytes of the item's binary property, with its MIME type, `Content-Disposition: attachment` (its file name) and `X-Content-Type-Options: nosniff`, so a browser saves it rather than showing it.",
  auth: 'user',
  params: id,
  query: executionBinaryQuery,
  responses: {
    200: { description: 'The file', media: 'application/octet-stream' },
    403: notAMember('read it'),
    404: notFound('no execution with this id, no such run, handle or item, or the item has no file under that key'),
  },
});

export const getExecutionLogs = defineRoute({
  operationId: 'getExecutionLogs',
  method: 'get',
  path: '/api/executions/{id}/logs',
  tag,
  summary: "An execution's log",
  description: 'Retries, failures that let the run go on, what Code nodes printed, who stopped it, how it ended.',
  auth: 'user',
  params: id,
  responses: { 200: ok(executionLogsSchema, 'The log, oldest first'), 403: notAMember('read it'), 404: noExecution },
});

export const stopExecution = defineRoute({
  operationId: 'stopExecution',
  method: 'post',
  path: '/api/executions/{id}/stop',
  tag,
  summary: 'Stop a queued or running execution',
  auth: 'user',
  params: id,
  responses: {
    202: ok(executionStoppingSchema, 'Stopping; the execution ends as `canceled`'),
    403: notAMember('edit it'),
    404: noExecution,
    409: conflict('the execution has already ended'),
  },
});

export const retryExecution = defineRoute({
  operationId: 'retryExecution',
  method: 'post',
  path: '/api/executions/{id}/retry',
  tag,
  summary: 'Run the same version again, with the same trigger items',
  auth: 'user',
  params: id,
  responses: {
    201: ok(executionSchema, 'The new execution (`retryOf` names this one)'),
    403: notAMember('edit it'),
    404: noExecution,
    429: tooMany('too many runs of this workflow are waiting for an engine'),
  },
});

export const retryExecutions = defineRoute({
  operationId: 'retryExecutions',
  method: 'post',
  path: '/api/executions/retry',
  tag,
  summary: 'Retry several executions at once (at most 100)',
  description:
    'Each id is checked as `POST /api/executions/{id}/retry` checks it (the caller must be able to edit its workflow) and answered on its own: one id the caller may not retry does not stop the others.',
  auth: 'user',
  body: bulkRetryRequest,
  responses: { 200: ok(bulkRetrySchema, 'One result per distinct id, in the order given') },
});

export const deleteExecution = defineRoute({
  operationId: 'deleteExecution',
  method: 'delete',
  path: '/api/executions/{id}',
  tag,
  summary: 'Delete an execution that has ended',
  auth: 'user',
  params: id,
  responses: {
    204: noContent('Deleted'),
    403: notAMember('edit it'),
    404: noExecution,
    409: conflict('stop the execution before deleting it'),
  },
});

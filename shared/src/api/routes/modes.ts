import { defineRoute, errorResponse } from '../contract.ts';
import { handOverPenRequest, modeSchema, setModeRequest, takePenRequest } from '../modes.ts';
import { conflict, invalid, noContent, notAMember, ok, workflowNotFound } from './responses.ts';

const tag = 'workflows';
const id = { id: 'The workflow id' };

export const setMode = defineRoute({
  operationId: 'setMode',
  method: 'put',
  path: '/api/workflows/{id}/mode',
  tag,
  summary: 'Switch the edit mode (parallel, locked, pen)',
  description:
    'Owners only. `locked`: only owners write. `pen`: only whoever holds the pen writes, owners included; switching to it hands the pen to the caller. Everyone in the workflow sees the change in the server’s awareness entry. Edits dropped meanwhile are held by their clients and merge once their author may write again.',
  auth: 'user',
  params: id,
  body: setModeRequest,
  responses: {
    200: ok(modeSchema, 'The new mode'),
    400: invalid('an unknown mode, a reason over 200 characters, or an idle time outside 1–240 minutes'),
    403: notAMember('set its mode (owners only)'),
    404: workflowNotFound,
  },
});

export const getMode = defineRoute({
  operationId: 'getMode',
  method: 'get',
  path: '/api/workflows/{id}/mode',
  tag,
  summary: 'The edit mode',
  auth: 'user',
  params: id,
  responses: { 200: ok(modeSchema, 'The mode'), 403: notAMember('read it'), 404: workflowNotFound },
});

export const takePen = defineRoute({
  operationId: 'takePen',
  method: 'post',
  path: '/api/workflows/{id}/pen',
  tag,
  summary: 'Take the pen',
  description: 'Editors and owners take a free pen; `force` (owners only) takes it from whoever holds it.',
  auth: 'user',
  params: id,
  body: takePenRequest,
  bodyOptional: true,
  responses: {
    200: ok(modeSchema, 'The caller holds the pen'),
    403: notAMember('edit it (or force: owners only)'),
    404: workflowNotFound,
    409: conflict('someone else holds the pen, or the workflow is not in pen mode'),
  },
});

export const requestPen = defineRoute({
  operationId: 'requestPen',
  method: 'post',
  path: '/api/workflows/{id}/pen/request',
  tag,
  summary: 'Ask for the pen',
  description: 'The holder sees the request in the mode (`pen.requests`).',
  auth: 'user',
  params: id,
  responses: {
    202: ok(modeSchema, 'Asked'),
    403: notAMember('edit it'),
    404: workflowNotFound,
    409: conflict('the workflow is not in pen mode'),
  },
});

export const handOverPen = defineRoute({
  operationId: 'handOverPen',
  method: 'post',
  path: '/api/workflows/{id}/pen/handover',
  tag,
  summary: 'Give the pen to another editor',
  description: 'The holder, or an owner; the new holder must be an editor or owner of the workflow.',
  auth: 'user',
  params: id,
  body: handOverPenRequest,
  responses: {
    200: ok(modeSchema, 'The pen moved'),
    400: errorResponse('`validation_failed`: that person is not an editor or owner of the workflow'),
    403: notAMember('hand the pen over (its holder or an owner)'),
    404: workflowNotFound,
    409: conflict('the workflow is not in pen mode'),
  },
});

export const releasePen = defineRoute({
  operationId: 'releasePen',
  method: 'delete',
  path: '/api/workflows/{id}/pen',
  tag,
  summary: 'Put the pen down',
  description: 'The holder, or an owner. Nobody holds it afterwards; any editor may take it.',
  auth: 'user',
  params: id,
  responses: {
    204: noContent('Nobody holds the pen'),
    403: notAMember('release the pen (its holder or an owner)'),
    404: workflowNotFound,
    409: conflict('the workflow is not in pen mode'),
  },
});

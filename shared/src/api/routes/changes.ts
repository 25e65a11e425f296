import { changeListSchema, changesQuery } from '../changes.ts';
import { defineRoute, errorResponse } from '../contract.ts';
import { notAMember, notFound, ok } from './responses.ts';

export const listChanges = defineRoute({
  operationId: 'listChanges',
  method: 'get',
  path: '/api/workflows/{id}/changes',
  tag: 'versions',
  summary: 'Who last changed a node or one of its parameters, newest first (at most 10 people)',
  description:
    'Read from the change index the server keeps beside the update log. Edits made before the index existed, and already compacted out of the log, are not attributed.',
  auth: 'user',
  params: { id: 'The workflow id' },
  query: changesQuery,
  responses: {
    200: ok(changeListSchema, 'The people who changed it, the latest first'),
    400: errorResponse('`bad_request`: `target` is missing or is not a node or parameter target'),
    403: notAMember('read it'),
    404: notFound('no workflow with this id'),
  },
});

import { insightsQuery, insightsSchema } from '../insights.ts';
import { defineRoute, errorResponse } from '../contract.ts';
import { forbidden, notFound, ok } from './responses.ts';

export const getInsights = defineRoute({
  operationId: 'getInsights',
  method: 'get',
  path: '/api/insights',
  tag: 'insights',
  summary: 'Runs over time by status, failure rate, durations, time saved, failing nodes, webhook latency',
  description:
    'Read from hourly rollups. Without `workflowId`: every workflow the caller may read (all of them for the instance admin). Series buckets are hours for ranges up to 48 hours, UTC days beyond.',
  auth: 'user',
  query: insightsQuery,
  responses: {
    200: ok(insightsSchema, 'The numbers of the range'),
    400: errorResponse('`bad_request`: a bad range, `from`/`to` or workflow id; the message names the field'),
    403: forbidden('the caller may not read the workflow'),
    404: notFound('no workflow with this id'),
  },
});

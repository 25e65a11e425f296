import { adminAuditPageSchema, adminAuditQuery, auditPageSchema, auditQuery } from '../audit.ts';
import { defineRoute, errorResponse } from '../contract.ts';
import { forbidden, notFound, ok } from './responses.ts';

const tag = 'audit';
const badQuery = errorResponse('`bad_request`: a bad cursor, limit or filter; the message names the field');

export const listWorkflowAudit = defineRoute({
  operationId: 'listWorkflowAudit',
  method: 'get',
  path: '/api/workflows/{id}/audit',
  tag,
  summary: "A workflow's audit trail, newest first (editors and owners)",
  description:
    'Who changed members, links, the edit mode and the pen, published, ran, named or restored versions, and resolved comments.',
  auth: 'user',
  params: { id: 'The workflow id' },
  query: auditQuery,
  responses: {
    200: ok(auditPageSchema, 'One page'),
    400: badQuery,
    403: forbidden('the caller is not an editor or owner of the workflow'),
    404: notFound('no workflow with this id'),
  },
});

export const listAudit = defineRoute({
  operationId: 'listAudit',
  method: 'get',
  path: '/api/audit',
  tag,
  summary: "The instance's audit trail, account events included (instance admin)",
  auth: 'user',
  query: adminAuditQuery,
  responses: {
    200: ok(adminAuditPageSchema, 'One page'),
    400: badQuery,
    403: forbidden('only the instance admin may'),
  },
});

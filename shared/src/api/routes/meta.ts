import { z } from 'zod';
import { defineRoute } from '../contract.ts';
import { ok } from './responses.ts';

export const getOpenApiDocument = defineRoute({
  operationId: 'getOpenApiDocument',
  method: 'get',
  path: '/api/openapi.json',
  tag: 'meta',
  summary: 'This document',
  description: 'The OpenAPI 3.1 description of this API; `/api/docs` shows it as a page.',
  auth: 'none',
  responses: { 200: ok(z.record(z.string(), z.unknown()), 'The OpenAPI 3.1 document') },
});

import { z } from 'zod';
import { responsesOf, pathParamNames, type RouteContract } from './contract.ts';
import { apiErrorBodySchema, issueSchema } from './errors.ts';
import { memberSchema, userSchema, workflowSchema, apiTokenSchema } from './index.ts';
import {
  adminUserSchema,
  credentialGrantSchema,
  invitationSchema,
  receivedInvitationSchema,
  sessionSchema,
  workflowCredentialSchema,
} from './access.ts';
import { credentialSchema } from './credentials.ts';
import { createdLinkSchema, joinedLinkSchema, linkPreviewSchema, linkSchema } from './links.ts';
import { executionSchema, nodeRunSchema, executionLogLineSchema } from './executions.ts';
import { nodeDefinitionSchema, nodeSummarySchema } from './catalog.ts';
import { workflowDefinitionSchema } from '../schema/definition.ts';
import { apiRoutes } from './routes/index.ts';

/**
 * The OpenAPI 3.1 document, generated from the route contracts (no spec is
 * written by hand): zod's own JSON Schema output (draft 2020-12, which is
 * OpenAPI 3.1's dialect) for every schema, named components for the shapes
 * several routes share.
 */

type JsonObject = Record<string, unknown>;

/** Shapes that get a name in `components.schemas` (the rest are named after their operation). */
const named: [string, z.ZodType][] = [
  ['ApiError', apiErrorBodySchema],
  ['Issue', issueSchema],
  ['User', userSchema],
  ['Workflow', workflowSchema],
  ['Member', memberSchema],
  ['Invitation', invitationSchema],
  ['ReceivedInvitation', receivedInvitationSchema],
  ['ApiToken', apiTokenSchema],
  ['Session', sessionSchema],
  ['Credential', credentialSchema],
  ['CredentialGrant', credentialGrantSchema],
  ['WorkflowCredential', workflowCredentialSchema],
  ['Link', linkSchema],
  ['CreatedLink', createdLinkSchema],
  ['LinkPreview', linkPreviewSchema],
  ['JoinedLink', joinedLinkSchema],
  ['AdminUser', adminUserSchema],
  ['Execution', executionSchema],
  ['NodeRun', nodeRunSchema],
  ['ExecutionLogLine', executionLogLineSchema],
  ['NodeSummary', nodeSummarySchema],
  ['NodeDefinition', nodeDefinitionSchema],
  ['WorkflowDefinition', workflowDefinitionSchema],
];

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const componentRef = (id: string): string => `#/components/schemas/${id}`;

/** zod marks each schema as a document of its own; inside an OpenAPI document they are not. */
const withoutDocumentKeys = (schema: JsonObject): JsonObject => {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
};

/** Converts every schema of a registry at once, so that shared ones become `$ref`s. */
const convert = (entries: Map<z.ZodType, string>, io: 'input' | 'output'): Record<string, JsonObject> => {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: componentRef, unrepresentable: 'any' });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => [id, withoutDocumentKeys(schema as JsonObject)]),
  );
};

const queryParameters = (query: z.ZodObject): JsonObject[] => {
  const schema = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
};

const SECURITY = [{ bearerAuth: [] }, { sessionCookie: [] }];

const securityOf = (auth: RouteContract['auth']): JsonObject[] =>
  auth === 'none' ? [] : auth === 'optional' ? [{}, ...SECURITY] : SECURITY;

export interface OpenApiOptions {
  /** The document's `info.version`: Weft's version. */
  version: string;
  routes?: readonly RouteContract[];
}

export const DESCRIPTION = `The REST API of a Weft instance: workflows, their members, executions, credentials, the node catalog, accounts and tokens.

**Authentication.** Scripts send a personal API token (create one with \`POST /api/tokens\` or in the web app) as \`Authorization: Bearer <token>\`. Browsers use the \`weft_session\` cookie that signing in sets; a request that changes something (POST, PUT, PATCH, DELETE) with the cookie must come from the instance's own origin.

**Errors** are always JSON: \`{ "error": { "code", "message", "issues"? } }\` with the HTTP status of the code (\`validation_failed\` 400 lists each problem in \`issues\`; \`unauthorized\` 401; \`forbidden\` 403; \`not_found\` 404; \`conflict\` 409; \`gone\` 410; \`too_many_requests\` 429 with Retry-After).

**Not in this document.** Workflow documents themselves are edited over the \`/sync/<workflowId>\` WebSocket (the y-websocket protocol, authenticated like REST: cookie, Bearer header, or \`?token=\`), which also streams run progress; engines join over \`/engine\`; webhooks answer at \`/webhook/<path>\` and \`/webhook-test/<path>\`; \`/healthz\` answers \`{ "ok": true }\`.`;

/** The whole document, as JSON. */
export const buildOpenApiDocument = ({ version, routes = Object.values(apiRoutes) }: OpenApiOptions): JsonObject => {
  const outputs = new Map<z.ZodType, string>(named.map(([id, schema]) => [schema, id]));
  const inputs = new Map<z.ZodType, string>();
  const responses = routes.map((route) => ({ route, responses: responsesOf(route) }));
  for (const { route, responses: all } of responses) {
    if (route.body && !inputs.has(route.body)) inputs.set(route.body, `${pascal(route.operationId)}Request`);
    for (const [status, spec] of Object.entries(all)) {
      if (spec.schema && !outputs.has(spec.schema)) {
        outputs.set(spec.schema, `${pascal(route.operationId)}Response${status}`);
      }
    }
  }
  const outputSchemas = convert(outputs, 'output');
  // Request schemas are what a caller may send: before defaults and trimming.
  const inputSchemas = convert(inputs, 'input');

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const { route, responses: all } of responses) {
    const parameters = [
      ...pathParamNames(route.path).map((name) => ({
        name,
        in: 'path',
        required: true,
        ...(route.params?.[name] ? { description: route.params[name] } : {}),
        schema: { type: 'string' },
      })),
      ...(route.query ? queryParameters(route.query) : []),
    ];
    const operation: JsonObject = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: securityOf(route.auth),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.bodyOptional !== true,
              content: { 'application/json': { schema: { $ref: componentRef(inputs.get(route.body) ?? '') } } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(all).map(([status, spec]) => [
          status,
          {
            description: spec.description,
            ...(spec.schema
              ? { content: { 'application/json': { schema: { $ref: componentRef(outputs.get(spec.schema) ?? '') } } } }
              : spec.media
                ? { content: { [spec.media]: { schema: { type: 'string' } } } }
                : {}),
          },
        ]),
      ),
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Weft REST API', version, description: DESCRIPTION },
    servers: [{ url: '/', description: 'This instance' }],
    tags: [
      { name: 'auth', description: 'Accounts, signing in, sessions' },
      { name: 'tokens', description: 'Personal API tokens' },
      { name: 'me', description: "The caller's own things" },
      { name: 'workflows', description: 'Workflows, publishing, triggers, members, runs' },
      { name: 'versions', description: "A workflow's version history: named versions, restore and undo" },
      { name: 'audit', description: 'The audit trail: who changed access, links, modes, runs and versions, and when' },
      { name: 'links', description: 'Share links: make, list and revoke them; look at one and join through it' },
      { name: 'executions', description: 'Run history and control' },
      { name: 'live', description: 'The live feed: presence and runs as they change' },
      { name: 'insights', description: 'Runs over time, failures, durations, time saved and webhook latency' },
      { name: 'credentials', description: 'Secrets for HTTP nodes (write-only) and their grants to workflows' },
      { name: 'nodes', description: 'The node catalog' },
      { name: 'templates', description: 'Workflow templates: the gallery, using one, saving a workflow as one' },
      { name: 'admin', description: "The instance admin's" },
      { name: 'meta', description: 'This description of the API' },
    ],
    security: SECURITY,
    paths,
    components: {
      schemas: { ...outputSchemas, ...inputSchemas },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal API token (`POST /api/tokens`), sent as `Authorization: Bearer <token>`.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'weft_session',
          description: 'The session cookie signing in sets (HttpOnly, SameSite=Lax).',
        },
      },
    },
  };
};

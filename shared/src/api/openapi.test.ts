import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';
import { apiRoutes } from './routes/index.ts';
import { pathParamNames, responsesOf, type RouteContract } from './contract.ts';

const doc = buildOpenApiDocument({ version: '0.0.0-test' });

/** Every `$ref` in the document, with where it was found. */
const refsIn = (value: unknown, at = '#'): { ref: string; at: string }[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [{ ref: v, at }] : refsIn(v, `${at}/${k}`),
  );
};

const resolve = (root: unknown, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')]
          : undefined,
      root,
    );

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(validator.version).toBe('3.1');
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is refused by the validator when broken (the check above can fail)', async () => {
    const { info: _info, ...withoutInfo } = doc;
    expect((await new Validator().validate(withoutInfo)).valid).toBe(false);
    const badStatus = structuredClone(doc) as { paths: Record<string, Record<string, { responses: object }>> };
    const getMe = badStatus.paths['/api/auth/me']?.get;
    if (!getMe) throw new Error('no GET /api/auth/me');
    getMe.responses = { ok: { description: 'not a status code' } };
    expect((await new Validator().validate(badStatus)).valid).toBe(false);
  });

  it('has every $ref pointing at something', () => {
    const dangling = refsIn(doc).filter(({ ref }) => !ref.startsWith('#/') || resolve(doc, ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('describes every route contract, with a bearer-token and a session-cookie scheme', () => {
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (methods) => Object.values(methods).map((op) => op.operationId),
    );
    expect(operations.sort()).toEqual(Object.keys(apiRoutes).sort());
    expect(doc.components).toMatchObject({
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'weft_session' },
      },
    });
    expect(doc.openapi).toBe('3.1.0');
  });

  it('gives every error status the error shape, and names and describes every path parameter', () => {
    const routes: RouteContract[] = Object.values(apiRoutes);
    for (const route of routes) {
      for (const [status, spec] of Object.entries(responsesOf(route))) {
        if (Number(status) >= 400) expect(spec.schema, `${route.operationId} ${status}`).toBeDefined();
        if (Number(status) === 204) expect(spec.schema, `${route.operationId} 204`).toBeUndefined();
      }
      for (const name of pathParamNames(route.path)) {
        expect(route.params?.[name], `${route.operationId}: {${name}}`).toEqual(expect.any(String));
      }
      expect(Object.keys(route.params ?? {}).sort()).toEqual(pathParamNames(route.path).sort());
    }
  });
});

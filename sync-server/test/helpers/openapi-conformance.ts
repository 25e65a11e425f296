import { request } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * Checks real answers against the OpenAPI document the server serves: the
 * status must be one the operation lists, and the body must match that
 * status's schema (ajv, JSON Schema 2020-12: the document's own dialect).
 */

interface MediaType {
  schema?: { $ref?: string };
}
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

export interface RouteOperation {
  operationId: string;
  method: string;
  template: string;
  responses: Operation['responses'];
  pattern: RegExp;
  params: number;
}

export interface Observation {
  operationId: string;
  status: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const operationsOf = (doc: OpenApiDocument): RouteOperation[] =>
  Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      operationId: op.operationId,
      method: method.toUpperCase(),
      template,
      responses: op.responses,
      pattern: new RegExp(
        `^${template
          .split(/\{[^}]+\}/)
          .map(escape)
          .join('[^/]+')}$`,
      ),
      params: (template.match(/\{/g) ?? []).length,
    })),
  );

export const createConformanceChecker = (doc: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, 'openapi');
  const operations = operationsOf(doc);
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (ref: string): ValidateFunction => {
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.getSchema(`openapi${ref}`);
      if (!validate) throw new Error(`the document has no schema at ${ref}`);
      validators.set(ref, validate);
    }
    return validate;
  };
  const observed: Observation[] = [];

  /** The operation a request is for: the most specific template (fewest parameters) that matches. */
  const operationFor = (method: string, pathname: string): RouteOperation | undefined =>
    operations.filter((o) => o.method === method && o.pattern.test(pathname)).sort((a, b) => a.params - b.params)[0];

  /** Problems with one answer; empty when it is what the document says. */
  const check = (method: string, pathname: string, status: number, contentType: string, text: string): string[] => {
    const op = operationFor(method, pathname);
    const where = `${method} ${pathname} → ${status}`;
    if (!op) return [`${where}: no operation in the document`];
    observed.push({ operationId: op.operationId, status });
    const response = op.responses[String(status)];
    if (!response) {
      return [`${where}: ${op.operationId} does not list ${status} (it lists ${Object.keys(op.responses).join(', ')})`];
    }
    const media = response.content?.['application/json'];
    // A documented non-JSON answer (a template's SVG picture): the media type must be the one named.
    const other = Object.keys(response.content ?? {}).find((type) => type !== 'application/json');
    if (!media && other)
      return contentType.startsWith(other) ? [] : [`${where}: answered ${contentType}, not ${other}`];
    if (!media) return text.length === 0 ? [] : [`${where}: documented without a body, answered ${text.slice(0, 200)}`];
    if (!/^application\/json\b/.test(contentType)) return [`${where}: answered ${contentType}, not JSON`];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    const ref = media.schema?.$ref;
    if (!ref) return [`${where}: the document gives no schema`];
    const validate = validatorFor(ref);
    if (validate(body)) return [];
    return [
      `${where}: the body does not match ${ref}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 300)}`,
    ];
  };

  return { operations, observed, check };
};

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  text: string;
}

/** One HTTP request over node:http, so that any header can be sent (Host and Origin included). */
export const send = (
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(`${baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          contentType: res.headers['content-type'] ?? '',
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });

import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { ErrorCodes, httpStatusOf, isWeftError, UserError, type ErrorCode, type Issue } from '#shared/errors.ts';
import type { ApiErrorBody } from '#shared/api/index.ts';
import type { Logger } from '#shared/log.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.ts';

export const errorBody = (code: string, message: string, issues?: Issue[]): ApiErrorBody => ({
  error: { code, message, ...(issues && issues.length > 0 ? { issues } : {}) },
});

export const jsonError = (c: Context, code: ErrorCode, message: string, issues?: Issue[]): Response =>
  c.json(errorBody(code, message, issues), httpStatusOf[code] as ContentfulStatusCode);

/**
 * Node fails a request's body stream this way when the client breaks the
 * request off: bad chunked framing (Node has already answered 400 and closed
 * the connection) or a client gone mid-body. That is the client's doing, not
 * the server's, and must not fill the log with stack traces.
 */
const isAbortedRequest = (err: Error): boolean =>
  (err.message === 'aborted' && (err as NodeJS.ErrnoException).code === 'ECONNRESET') ||
  (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';

/** The one error handler: WeftErrors keep their code; anything else is a logged 500. */
export const onError =
  (logger: Logger): ErrorHandler =>
  (err, c) => {
    if (isAbortedRequest(err)) {
      logger.debug({ err, path: c.req.path }, 'request aborted by the client');
      return jsonError(c, ErrorCodes.badRequest, 'The request was broken off before its body ended');
    }
    if (isWeftError(err)) {
      if (err.kind !== 'user') logger.error({ err, path: c.req.path }, err.message);
      if (err.retryAfterSeconds !== undefined)
        c.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
      return jsonError(c, err.code, err.message, err.issues);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code: ErrorCode =
        status === 413
          ? ErrorCodes.payloadTooLarge
          : status === 401
            ? ErrorCodes.unauthorized
            : status === 404
              ? ErrorCodes.notFound
              : ErrorCodes.badRequest;
      return c.json(errorBody(code, err.message || 'Bad request'), status);
    }
    logger.error({ err, path: c.req.path, method: c.req.method }, 'request failed');
    return jsonError(c, ErrorCodes.internal, 'Internal server error');
  };

export const apiNotFound: NotFoundHandler = (c) =>
  jsonError(c, ErrorCodes.notFound, `No route for ${c.req.method} ${c.req.path}`);

const zodIssues = (error: z.ZodError): Issue[] =>
  error.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    return {
      path,
      message: path.length > 0 ? `${path.join('.')}: ${i.message}` : i.message,
      severity: 'error' as const,
    };
  });

/**
 * Reads a JSON body. Only application/json is accepted, which also keeps
 * cross-site form posts out (they cannot send that type without a CORS
 * preflight, which this server never grants).
 */
export const readJsonBody = async (c: Context): Promise<unknown> => {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new UserError(ErrorCodes.unsupportedMediaType, 'Send the body as application/json');
  }
  let text: string;
  try {
    text = await c.req.text();
  } catch (cause) {
    if (cause instanceof HTTPException || isWeftError(cause)) throw cause;
    throw new UserError(ErrorCodes.badRequest, 'The body could not be read', { cause });
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new UserError(ErrorCodes.badRequest, `The body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new UserError(ErrorCodes.badRequest, 'The body is not valid JSON', { cause });
  }
};

/** Reads a JSON body and validates it with a zod schema; every problem becomes an issue. */
export const readJson = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> => {
  const parsed = schema.safeParse(await readJsonBody(c));
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new UserError(ErrorCodes.validationFailed, issues.map((i) => i.message).join('; '), { issues });
  }
  return parsed.data;
};

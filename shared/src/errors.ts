/**
 * One error taxonomy for all three processes (after n8n's UserError /
 * OperationalError / UnexpectedError split). The `code` is stable and is what
 * REST clients switch on; the message is for people.
 *
 * - UserError: the caller sent something wrong; retrying the same input fails again.
 * - OperationalError: the environment failed (disk full, engine lost); may succeed later.
 * - UnexpectedError: a bug in Weft.
 */

export const ErrorCodes = {
  badRequest: 'bad_request',
  validationFailed: 'validation_failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  /** The workflow's edit mode keeps the caller from changing it (locked, or someone else holds the pen). */
  locked: 'locked',
  /** It existed and is no more: a share link that expired, was used up or was turned off. */
  gone: 'gone',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  unsupportedSchemaVersion: 'unsupported_schema_version',
  /** A body of a type the server reads that it cannot parse (a webhook's malformed JSON, as n8n answers it). */
  unprocessable: 'unprocessable_entity',
  /** Rate limits and full queues; the answer says when to try again (Retry-After). */
  tooManyRequests: 'too_many_requests',
  /** The Host header names a host this instance does not serve (DNS rebinding guard). */
  hostNotAllowed: 'host_not_allowed',
  internal: 'internal',
  unavailable: 'unavailable',
  /** Partial runs (docs/plans/n8n-daily.md §3.4): Execute step on a node whose parent has no output and no pin. */
  stepNeedsInput: 'step_needs_input',
  /** A run to a node that no trigger leads to (or a workflow without a trigger). */
  noTrigger: 'no_trigger',
  /** A run's `destination` is not a node of the workflow. */
  unknownDestination: 'unknown_destination',
  /** A run's `base` is not an execution of this workflow. */
  unknownBase: 'unknown_base',
  /** A run's `base` has not finished yet: its outputs are not all there. */
  baseNotFinished: 'base_not_finished',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** HTTP status for each code, so servers map errors in one place. */
export const httpStatusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_schema_version: 422,
  unprocessable_entity: 422,
  too_many_requests: 429,
  host_not_allowed: 421,
  internal: 500,
  unavailable: 503,
  step_needs_input: 400,
  no_trigger: 400,
  unknown_destination: 400,
  unknown_base: 400,
  base_not_finished: 409,
};

/** One problem found while validating input; `path` points into the input. */
export interface Issue {
  path: (string | number)[];
  message: string;
  /** Warnings do not make input invalid (e.g. a node type Weft does not know). */
  severity: 'error' | 'warning';
}

export abstract class WeftError extends Error {
  abstract readonly kind: 'user' | 'operational' | 'unexpected';
  readonly code: ErrorCode;
  readonly issues: Issue[];
  /** When the caller may try again (429, 503): sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: Issue[]; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options?.issues ?? [];
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.name = new.target.name;
  }
}

export class UserError extends WeftError {
  readonly kind = 'user' as const;
}

export class OperationalError extends WeftError {
  readonly kind = 'operational' as const;
}

export class UnexpectedError extends WeftError {
  readonly kind = 'unexpected' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.internal, message, options);
  }
}

export const isWeftError = (value: unknown): value is WeftError => value instanceof WeftError;

import type { ApiErrorBody } from '#shared/api/index.ts';

/** A REST call that failed: carries the server's error code and issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: NonNullable<ApiErrorBody['error']['issues']> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** JSON over fetch with the session cookie; errors become ApiError. */
export const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text.length > 0 ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = (data as Partial<ApiErrorBody> | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? 'http_error',
      err?.message ?? `${res.status} ${res.statusText}`,
      err?.issues,
    );
  }
  return data as T;
};

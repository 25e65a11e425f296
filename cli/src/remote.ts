import { apiRoutes } from '#shared/api/routes/index.ts';
import { ApiError, createApiClient, type ApiClient, type FetchLike } from '#shared/api/http-client.ts';
import { CliError, ExitCode, usageError } from './output.ts';

/**
 * A remote command's connection: the server at --url / WEFT_URL, as the user
 * whose personal API token is --token / WEFT_TOKEN, through the typed API
 * client the routes' contracts describe (shared/src/api). Every failure
 * becomes a CliError with the documented exit code.
 */

export const DEFAULT_URL = 'http://127.0.0.1:8787';
/** A request the server has not answered in this long is given up (exit 5). */
const REQUEST_TIMEOUT_MS = 60_000;

export interface RemoteFlags {
  url?: string | undefined;
  token?: string | undefined;
}

export interface Remote {
  /** The server's root, without a trailing slash. */
  baseUrl: string;
  token: string;
  api: ApiClient;
}

/** Why fetch gave up, in a few words (its own message is only "fetch failed"): the innermost cause's code or message. */
const networkReason = (error: unknown): string => {
  let reason = error instanceof Error ? error.message : String(error);
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (cause.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
    if (typeof code === 'string') return code;
    reason = cause.message;
    cause = cause.cause;
  }
  return reason;
};

/** fetch with a time limit, whose failures already say which server could not be reached. */
const fetchFrom =
  (baseUrl: string): FetchLike =>
  async (url, init) => {
    try {
      return await fetch(url, {
        method: init.method,
        headers: init.headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(ExitCode.unreachable, 'unreachable', `cannot reach ${baseUrl}: ${networkReason(error)}`, {
        cause: error,
      });
    }
  };

/** An API failure as the exit-code table says. */
export const fromApiError = (error: unknown): unknown => {
  if (!(error instanceof ApiError)) return error;
  if (error.cause instanceof CliError) return error.cause;
  if (error.code === 'network_error') {
    return new CliError(ExitCode.unreachable, 'unreachable', error.message, { cause: error });
  }
  const issues = error.issues
    .filter((i) => i.severity === 'error')
    .slice(0, 20)
    .map((i) => `\n  - ${i.message}`)
    .join('');
  const message = `${error.message}${issues}`;
  if (error.status === 401) {
    return new CliError(ExitCode.authRefused, error.code, `the server refused the token: ${message}`, { cause: error });
  }
  if (error.status === 403) return new CliError(ExitCode.authRefused, error.code, message, { cause: error });
  if (error.status === 404) return new CliError(ExitCode.notFound, error.code, message, { cause: error });
  if (error.status === 409) return new CliError(ExitCode.conflict, error.code, message, { cause: error });
  if (error.status === 400 || error.status === 413 || error.status === 415 || error.status === 422) {
    return new CliError(ExitCode.usage, error.code, message, { cause: error });
  }
  const server = error.status >= 500 ? ` (server answered ${error.status})` : '';
  return new CliError(ExitCode.failed, error.code, `${message}${server}`, { cause: error });
};

const parseBaseUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--url / WEFT_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--url / WEFT_URL must be http:// or https://, not ${url.protocol}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  // Weft may sit under a prefix behind a proxy, but the API path is the client's to add.
  if (/\/api$/.test(path)) {
    throw usageError(`--url / WEFT_URL is the server's address, without /api: ${url.origin}${path.slice(0, -4)}`);
  }
  return `${url.origin}${path}`;
};

export const connectRemote = (flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): Remote => {
  const baseUrl = parseBaseUrl(flags.url ?? (env.WEFT_URL || DEFAULT_URL));
  const token = flags.token ?? env.WEFT_TOKEN;
  if (!token) {
    throw new CliError(
      ExitCode.authRefused,
      'unauthorized',
      'no API token: pass --token or set WEFT_TOKEN (create one under Account → API tokens, or POST /api/tokens)',
    );
  }
  // Failures reach the command as ApiErrors; runAction turns them into the exit-code table's (fromApiError).
  return { baseUrl, token, api: createApiClient({ baseUrl, token, fetch: fetchFrom(baseUrl) }) };
};

export { apiRoutes };

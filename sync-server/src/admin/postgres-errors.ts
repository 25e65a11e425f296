import { AdminError } from './admin-error.ts';
import { NewerDatabaseError } from '../db/open-postgres.ts';

/**
 * PostgreSQL failures of an admin command as one line naming the database,
 * never with DATABASE_URL's password: the URL is shown without it, and any
 * message that repeats it (a driver may) has it masked.
 */

/** postgres://user@host:port/database: no password, no query (libpq options there may hold one too). */
export const redactDatabaseUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
};

/** `text` with the URL's password (as written and decoded) masked. */
export const maskPassword = (text: string, url: string): string => {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text.split(url).join('DATABASE_URL');
  }
  if (password === '') return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape: mask it as written.
  }
  return text.split(password).join('***').split(decoded).join('***');
};

/** Socket failures: nothing answers at that address. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

interface ErrorLike {
  code?: unknown;
  message: string;
  cause?: unknown;
  errors?: unknown;
}

/** drizzle wraps the driver's error ("Failed query: …" with the SQL): the driver's own is the one to show. */
const rootOf = (error: unknown): ErrorLike => {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current : { message: String(current) };
};

const describe = (error: ErrorLike): string => {
  // Node's connect over several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError with no message.
  if (error.message === '' && Array.isArray(error.errors)) {
    return error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return error.message.split('\n')[0] ?? '';
};

export const postgresAdminError = (error: unknown, url: string): AdminError => {
  if (error instanceof AdminError) return error;
  const name = redactDatabaseUrl(url);
  if (error instanceof NewerDatabaseError) {
    return new AdminError(
      'conflict',
      `${name} was migrated by a newer Weft than this one: run that version (or newer)`,
      {
        cause: error,
      },
    );
  }
  const root = rootOf(error);
  const code = typeof root.code === 'string' ? root.code : '';
  const message = maskPassword(describe(root), url);
  // pg's own connect timeouts and dropped connections carry no code.
  if (
    UNREACHABLE_CODES.has(code) ||
    code.startsWith('08') ||
    code === '57P03' ||
    (code === '' && /timeout|Connection terminated/i.test(message))
  ) {
    return new AdminError('unreachable', `cannot reach PostgreSQL at ${name} (DATABASE_URL): ${message}`, {
      cause: error,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new AdminError('failed', `PostgreSQL at ${name} refused the login (DATABASE_URL): ${message}`, {
      cause: error,
    });
  }
  if (code === '3D000') return new AdminError('not_found', `${message} (DATABASE_URL: ${name})`, { cause: error });
  return new AdminError('failed', `${name}: ${message}`, { cause: error });
};

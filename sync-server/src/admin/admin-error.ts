/**
 * What an admin operation on a data directory can fail with, by kind, so the
 * `weft` command can turn each into its documented exit code and one line of
 * text instead of a stack trace.
 */
export type AdminErrorKind =
  /** Bad input: a malformed email, a password too short, a file that is not a Weft database. */
  | 'invalid'
  /** No such user, no database, no backup file. */
  | 'not_found'
  /** The data directory's state forbids it: a server holds it, it needs migrating, the target exists. */
  | 'conflict'
  /** The database server (DATABASE_URL) does not answer. */
  | 'unreachable'
  /** Anything else: the disk, a damaged database. */
  | 'failed';

export class AdminError extends Error {
  constructor(
    readonly kind: AdminErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AdminError';
  }

  /** Keeps an AdminError; turns SQLite's and the file system's errors into one that names the file. */
  static from(error: unknown, file: string): AdminError {
    if (error instanceof AdminError) return error;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'SQLITE_NOTADB')
      return new AdminError('invalid', `${file} is not a SQLite database`, { cause: error });
    if (code === 'SQLITE_CORRUPT') return new AdminError('failed', `${file} is damaged: ${message}`, { cause: error });
    if (code === 'SQLITE_BUSY')
      return new AdminError('conflict', `${file} stayed locked by another process: ${message}`, { cause: error });
    if (code === 'ENOENT') return new AdminError('not_found', `${file} does not exist`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY')
      return new AdminError('failed', `cannot use ${file}: ${message}`, { cause: error });
    return new AdminError('failed', `${file}: ${message}`, { cause: error });
  }
}

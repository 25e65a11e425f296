/**
 * What kind of failure: the CLI maps each kind to its exit code
 * (cli/src/output.ts: failed 1, usage 2, notFound 3, authRefused 4,
 * unreachable 5, conflict 6).
 */
export type FailureKind = 'failed' | 'usage' | 'notFound' | 'authRefused' | 'unreachable' | 'conflict';

/**
 * A failure of pull or push and, when a file is to blame, that file (relative
 * to the folder) and every problem in it.
 */
export class GitFolderError extends Error {
  readonly kind: FailureKind;
  readonly file: string | undefined;
  readonly problems: string[];

  constructor(message: string, options: { kind?: FailureKind; file?: string; problems?: string[] } = {}) {
    super(message);
    this.name = 'GitFolderError';
    this.kind = options.kind ?? 'failed';
    this.file = options.file;
    this.problems = options.problems ?? [];
  }
}

export const usageError = (message: string): GitFolderError => new GitFolderError(message, { kind: 'usage' });

/** A file that cannot be pushed: the message names it and lists what is wrong. */
export const fileError = (file: string, problems: string[]): GitFolderError =>
  new GitFolderError(
    problems.length === 1 ? `${file}: ${problems[0] ?? ''}` : `${file} has ${problems.length} problems`,
    { kind: 'usage', file, problems },
  );

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const kindOf = (error: unknown): FailureKind => (error instanceof GitFolderError ? error.kind : 'failed');

/** One kind for several failures: theirs when they agree, else plain "failed"; none for none. */
export const combineKinds = (kinds: readonly FailureKind[]): FailureKind | undefined => {
  const distinct = new Set(kinds);
  if (distinct.size === 0) return undefined;
  return distinct.size === 1 ? (kinds[0] ?? 'failed') : 'failed';
};

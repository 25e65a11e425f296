import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { addRemote, jsonOption, runAction, type JsonFlag, type RemoteFlagSet } from '../commands/common.ts';
import { CliError, ExitCode, type ExitCodeValue, type Output } from '../output.ts';
import { DEFAULT_URL } from '../remote.ts';
import { GitFolderError, type FailureKind } from './errors.ts';
import type { Server } from './peer.ts';
import { pull, pullOutcome, type PullReport } from './pull.ts';
import { push, pushOutcome, type PushReport } from './push.ts';
import { createRemote } from './remote.ts';
import { readState } from './state.ts';

/**
 * `weft pull <dir>` and `weft push <dir>`: workflows as files in a git
 * repository, pushed back as a peer of the live documents
 * (docs/git-folders.md). Exit codes as every command's (cli/src/output.ts).
 */

type Flags = RemoteFlagSet & JsonFlag & { timeout: number; force?: boolean };

const EXIT: Record<FailureKind, ExitCodeValue> = {
  failed: ExitCode.failed,
  usage: ExitCode.usage,
  notFound: ExitCode.notFound,
  authRefused: ExitCode.authRefused,
  unreachable: ExitCode.unreachable,
  conflict: ExitCode.conflict,
};

const CODES: Record<FailureKind, string> = {
  failed: 'failed',
  usage: 'usage',
  notFound: 'not_found',
  authRefused: 'unauthorized',
  unreachable: 'unreachable',
  conflict: 'conflict',
};

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new InvalidArgumentError('give a number of seconds (up to 3600)');
  return n;
};

/** --url, else WEFT_URL, else the URL the folder was pulled from, else the default; --token or WEFT_TOKEN. */
const serverFor = async (dir: string, flags: Flags): Promise<Server> => {
  const recorded = await readState(dir).catch(() => undefined);
  const raw = flags.url ?? (process.env.WEFT_URL || recorded?.url || DEFAULT_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(ExitCode.usage, 'usage', `--url / WEFT_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(ExitCode.usage, 'usage', `--url / WEFT_URL must be http:// or https://, not ${url.protocol}`);
  }
  const token = flags.token ?? process.env.WEFT_TOKEN;
  if (!token) {
    throw new CliError(
      ExitCode.authRefused,
      'unauthorized',
      'no API token: pass --token or set WEFT_TOKEN (create one under Account → API tokens, or POST /api/tokens)',
    );
  }
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, token, timeoutMs: flags.timeout * 1000 };
};

/** The problems a message does not already say: a file with one problem names it in the message itself. */
const moreProblems = (message: string | undefined, problems: readonly string[] = []): readonly string[] =>
  problems.length === 1 && message?.endsWith(problems[0] ?? '') ? [] : problems;

/** A failure of the whole command as the CLI's error, with every problem of a refused file in its message. */
const asCliError = (error: unknown): unknown => {
  if (!(error instanceof GitFolderError)) return error;
  const problems = moreProblems(error.message, error.problems)
    .map((p) => `\n  - ${p}`)
    .join('');
  return new CliError(EXIT[error.kind], CODES[error.kind], `${error.message}${problems}`, { cause: error });
};

const lines = (report: PullReport | PushReport): string[] => {
  const out: string[] = [];
  const dryRun = 'dryRun' in report && report.dryRun;
  for (const w of report.workflows) {
    const status = dryRun && ['created', 'updated', 'deleted'].includes(w.status) ? `would be ${w.status}` : w.status;
    // A folder whose files cannot be read has no workflow name but its own.
    const named = w.name === w.folder ? w.folder : `${w.folder}  ${w.name}`;
    out.push(`${status.padEnd(9)}  ${named}${w.message ? `: ${w.message}` : ''}`);
    if ('problems' in w) for (const problem of moreProblems(w.message, w.problems)) out.push(`           - ${problem}`);
    if ('changes' in w && dryRun) for (const change of w.changes ?? []) out.push(`           ${change}`);
    if ('warnings' in w) for (const warning of w.warnings ?? []) out.push(`           warning: ${warning}`);
  }
  const counts = new Map<string, number>();
  for (const w of report.workflows) counts.set(w.status, (counts.get(w.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ') || 'no workflows';
  out.push(`${summary}${dryRun ? ' (dry run: nothing was sent)' : ''}`);
  return out;
};

const finish = (out: Output, report: PullReport | PushReport, outcome: FailureKind | undefined): ExitCodeValue => {
  out.result(lines(report), report);
  return outcome ? EXIT[outcome] : ExitCode.ok;
};

const withOptions = (command: Command): Command =>
  addRemote(command)
    .option('--timeout <seconds>', 'how long to wait for each answer of the server', seconds, 30)
    .addOption(jsonOption());

/** `weft pull` and `weft push`, for main.ts to add. */
export const gitCommands = (): Command[] => [
  withOptions(
    new Command('pull')
      .description('write every workflow the token can read into <dir>, one folder each, as diff-friendly files')
      .argument('<dir>', 'the folder (created if missing), e.g. in a git repository')
      .option('--force', 'overwrite folders that have changes not pushed yet (those changes are lost)'),
  ).action((dir: string, flags: Flags) =>
    runAction(flags, async (out) => {
      const path = resolve(dir);
      const server = await serverFor(path, flags);
      const progress = out.progress('pull');
      try {
        const report = await pull({
          dir: path,
          server,
          remote: createRemote(server),
          force: flags.force === true,
          progress: (done, total) => progress.update(done, total),
        });
        progress.end();
        return finish(out, report, pullOutcome(report));
      } catch (error) {
        progress.end();
        throw asCliError(error);
      }
    }),
  ),

  withOptions(
    new Command('push')
      .description('send what changed in <dir> since the pull as a peer: it merges with the edits made meanwhile')
      .argument('<dir>', 'a folder written by weft pull (a folder whose workflow.json has no "id" creates a workflow)')
      .option('--dry-run', 'show what would change, send nothing')
      .option('--publish', 'publish every pushed workflow afterwards (its production version)')
      .option('--prune', 'delete on the server the workflows whose folders were deleted here')
      .option('--force', 'push a folder that was not pulled here by making the server match its files'),
  ).action((dir: string, flags: Flags & { dryRun?: boolean; publish?: boolean; prune?: boolean }) =>
    runAction(flags, async (out) => {
      const path = resolve(dir);
      const server = await serverFor(path, flags);
      const progress = out.progress('push');
      try {
        const report = await push({
          dir: path,
          server,
          remote: createRemote(server),
          prune: flags.prune === true,
          publish: flags.publish === true,
          dryRun: flags.dryRun === true,
          force: flags.force === true,
          progress: (done, total) => progress.update(done, total),
        });
        progress.end();
        return finish(out, report, pushOutcome(report));
      } catch (error) {
        progress.end();
        throw asCliError(error);
      }
    }),
  ),
];

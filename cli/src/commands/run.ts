import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import type { ExecutionDetailDto, ExecutionDto } from '#shared/api/executions.ts';
import { ExitCode, usageError, type ExitCodeValue, type Output } from '../output.ts';
import { apiRoutes, type Remote } from '../remote.ts';
import { startAndWatch, type RunEvent } from '../run-watch.ts';
import {
  addRemote,
  jsonOption,
  readJsonFile,
  remoteOf,
  runAction,
  type JsonFlag,
  type RemoteFlagSet,
} from './common.ts';

/**
 * `weft run <id> [--input file.json] [--wait]`: runs a workflow as it is now.
 * With --wait it prints each node's status as the run streams it and exits
 * 0 when the run succeeded, 1 when it failed or was canceled.
 */

export interface WaitFlags {
  wait?: boolean;
  timeout?: number;
}

type Flags = RemoteFlagSet & JsonFlag & WaitFlags & { input?: string };

/** The input file: one object (one item) or a list of objects (one item each). */
const inputSchema = z.union([
  z.record(z.string(), z.unknown()).transform((json) => [json]),
  z.array(z.record(z.string(), z.unknown())).min(1, 'holds no items').max(10_000, 'holds more than 10,000 items'),
]);

const readInput = (file: string): { json: Record<string, unknown> }[] => {
  const parsed = inputSchema.safeParse(readJsonFile(file, 'the input file'));
  if (!parsed.success) {
    throw usageError(
      `the input file ${file} must hold a JSON object (one item) or a list of objects (one item each): ${parsed.error.issues[0]?.message ?? 'wrong shape'}`,
    );
  }
  return parsed.data.map((json) => ({ json }));
};

export const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds above 0');
  return n;
};

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

const humanEvent = (event: RunEvent): string => {
  if (event.event === 'execution') {
    return `execution ${event.executionId} ${event.status}${event.error ? `: ${event.error}` : ''}`;
  }
  const items = event.itemsOut ? Object.values(event.itemsOut).reduce((a, b) => a + b, 0) : undefined;
  const details = [
    event.runs > 1 ? `run ${event.runs}` : undefined,
    items !== undefined && event.status === 'succeeded' ? plural(items, 'item') : undefined,
    event.durationMs !== undefined && event.status !== 'running' ? `${event.durationMs} ms` : undefined,
    event.error,
  ].filter((d): d is string => d !== undefined);
  return `  ${event.name}: ${event.status}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
};

/** Follows a run it starts, printing as it goes; the exit code says how it ended. */
export const followRun = async (
  out: Output,
  remote: Remote,
  workflowId: string,
  start: () => Promise<ExecutionDto>,
  timeoutSeconds: number | undefined,
): Promise<ExitCodeValue> => {
  const detail: ExecutionDetailDto = await startAndWatch({
    remote,
    workflowId,
    start,
    onEvent: (event) => out.event(humanEvent(event), event),
    note: (line) => out.note(line),
    timeoutMs: timeoutSeconds !== undefined ? timeoutSeconds * 1000 : undefined,
  });
  if (out.json) out.event('', { event: 'finished', execution: detail });
  else if (detail.startedAt !== null && detail.finishedAt !== null) {
    out.note(`took ${((detail.finishedAt - detail.startedAt) / 1000).toFixed(1)} s`);
  }
  return detail.status === 'succeeded' ? ExitCode.ok : ExitCode.failed;
};

export const runCommand = (): Command =>
  addRemote(
    new Command('run')
      .description('run a workflow as it is now (from its Manual Trigger); with --wait, follow it to the end')
      .argument('<id>', 'the workflow id')
      .option('--input <file>', "a JSON file: the trigger's output, an object (one item) or a list of objects")
      .option('--wait', "print each node's status as it runs; exit 1 if the run fails or is canceled")
      .option('--timeout <seconds>', 'with --wait: give up waiting after this long (exit 1; the run goes on)', seconds)
      .addOption(jsonOption()),
  )
    .addHelpText(
      'after',
      '\nWith --wait --json, stdout is one JSON object per line: {"event":"execution"|"node",…}, and last {"event":"finished","execution":{…}}.',
    )
    .action((id: string, flags: Flags) =>
      runAction(flags, async (out) => {
        const items = flags.input !== undefined ? readInput(flags.input) : undefined;
        const remote = remoteOf(flags);
        const start = () => remote.api.call(apiRoutes.runWorkflow, { params: { id }, body: items ? { items } : {} });
        if (!flags.wait) {
          const execution = await start();
          out.result(`started execution ${execution.id} (${execution.status})`, execution);
          return ExitCode.ok;
        }
        // Fails early, with the REST error's exit code, on a workflow that does not exist or a bad token.
        await remote.api.call(apiRoutes.getWorkflow, { params: { id } });
        return followRun(out, remote, id, start, flags.timeout);
      }),
    );

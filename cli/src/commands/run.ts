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
 * `weft run <id> [--input file.json] [--wait] [--to <node> | --step <node>] [--reuse [<execution>]]`: runs a
 * workflow as it is now. With --wait it prints each node's status as the run streams it and exits 0 when the
 * run succeeded, 1 when it failed or was canceled. --to and --step make a partial run (up to a node, or that
 * node alone), and --reuse lets it take the outputs of an earlier run for the nodes that did not change.
 */

export interface WaitFlags {
  wait?: boolean;
  timeout?: number;
}

type Flags = RemoteFlagSet &
  JsonFlag &
  WaitFlags & { input?: string; to?: string; step?: string; reuse?: string | boolean };

/** A node named by id or by name, as the server wants it (by id); unknown names go as they are, for the server to refuse. */
const nodeIdOf = async (remote: Remote, workflowId: string, node: string): Promise<string> => {
  const definition = await remote.api.call(apiRoutes.exportWorkflow, { params: { id: workflowId } });
  if (definition.nodes.some((n) => n.id === node)) return node;
  return definition.nodes.find((n) => n.name === node)?.id ?? node;
};

/** The workflow's latest manual run that has ended: what `--reuse` without an id builds on. */
const latestManualRun = async (remote: Remote, workflowId: string): Promise<string | undefined> => {
  const page = await remote.api.call(apiRoutes.listExecutions, { query: { workflowId, limit: 50 } });
  return page.executions.find((e) => e.mode === 'manual' && e.status !== 'queued' && e.status !== 'running')?.id;
};

/** The run body's partial-run part from the flags (nothing for a plain run). */
const partialBody = async (
  out: Output,
  remote: Remote,
  workflowId: string,
  flags: Flags,
): Promise<{ scope?: 'toHere' | 'step'; destination?: string; base?: string }> => {
  if (flags.to !== undefined && flags.step !== undefined) throw usageError('give --to or --step, not both');
  const node = flags.to ?? flags.step;
  const body: { scope?: 'toHere' | 'step'; destination?: string; base?: string } = {};
  if (node !== undefined) {
    body.scope = flags.to !== undefined ? 'toHere' : 'step';
    body.destination = await nodeIdOf(remote, workflowId, node);
  }
  if (typeof flags.reuse === 'string') body.base = flags.reuse;
  else if (flags.reuse === true) {
    const base = await latestManualRun(remote, workflowId);
    if (base === undefined) out.note('no finished manual run to reuse: every node runs');
    else {
      out.note(`reusing the outputs of execution ${base} where nothing changed`);
      body.base = base;
    }
  }
  return body;
};

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
      .option('--to <node>', 'run up to this node (id or name) and stop there')
      .option(
        '--step <node>',
        "run only this node (id or name), on its parents' outputs in the reused run or their pins",
      )
      .option(
        '--reuse [execution]',
        "reuse that execution's outputs for the nodes that did not change since (default: the latest finished manual run)",
      )
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
        const partial = await partialBody(out, remote, id, flags);
        const start = () =>
          remote.api.call(apiRoutes.runWorkflow, { params: { id }, body: { ...(items ? { items } : {}), ...partial } });
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

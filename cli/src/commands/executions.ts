import { Command, InvalidArgumentError, Option } from 'commander';
import { executionStatuses, type ExecutionDetailDto } from '#shared/api/executions.ts';
import { table, when } from '../output.ts';
import { apiRoutes } from '../remote.ts';
import { addRemote, jsonOption, remoteOf, runAction, type JsonFlag, type RemoteFlagSet } from './common.ts';
import { followRun, seconds, type WaitFlags } from './run.ts';

/** `weft executions list|get|logs|stop|retry`: run history and control. */

type Flags = RemoteFlagSet & JsonFlag;

const limit = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('must be a whole number from 1 to 200');
  return n;
};

const duration = (start: number | null, end: number | null): string =>
  start === null || end === null ? '-' : `${((end - start) / 1000).toFixed(1)} s`;

const count = (items: unknown): number =>
  typeof items === 'object' && items !== null
    ? Object.values(items).reduce<number>((n, list) => n + (Array.isArray(list) ? list.length : 0), 0)
    : 0;

const describeDetail = (e: ExecutionDetailDto): string[] => [
  `execution ${e.id} of workflow ${e.workflowId}: ${e.status}${e.error ? ` (${e.error})` : ''}`,
  `mode ${e.mode}, version ${e.versionHash.slice(0, 12)}${e.retryOf ? `, retry of ${e.retryOf}` : ''}`,
  `created ${when(e.createdAt)}, started ${when(e.startedAt)}, finished ${when(e.finishedAt)}`,
  ...(e.nodeRuns.length > 0
    ? [
        '',
        ...table(
          ['NODE', 'RUN', 'STATUS', 'ITEMS OUT', 'ATTEMPTS', 'TIME', 'ERROR'],
          e.nodeRuns.map((r) => [
            r.name,
            String(r.runIndex),
            r.status,
            String(count(r.output)),
            String(r.attempts),
            duration(r.startedAt, r.finishedAt),
            r.error ?? '',
          ]),
        ),
      ]
    : []),
];

const remoteCommand = (parent: Command, name: string, description: string): Command =>
  addRemote(parent.command(name).description(description).addOption(jsonOption()));

export const executionsCommand = (): Command => {
  const executions = new Command('executions').description('list, inspect, stop and retry runs');

  remoteCommand(executions, 'list', 'runs of the workflows the token can read, newest first')
    .option('--workflow <id>', 'only this workflow')
    .addOption(new Option('--status <status>', 'only runs in this state').choices(executionStatuses))
    .option('--limit <n>', 'at most this many (1–200, default 50)', limit)
    .option('--cursor <cursor>', 'the next page: the nextCursor a previous page gave')
    .action(
      (
        flags: Flags & {
          workflow?: string;
          status?: (typeof executionStatuses)[number];
          limit?: number;
          cursor?: string;
        },
      ) =>
        runAction(flags, async (out) => {
          const page = await remoteOf(flags).api.call(apiRoutes.listExecutions, {
            query: {
              ...(flags.workflow !== undefined ? { workflowId: flags.workflow } : {}),
              ...(flags.status !== undefined ? { status: flags.status } : {}),
              ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
              ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
            },
          });
          out.result(
            [
              ...table(
                ['ID', 'WORKFLOW', 'MODE', 'STATUS', 'CREATED', 'TIME'],
                page.executions.map((e) => [
                  e.id,
                  e.workflowId,
                  e.mode,
                  e.status,
                  when(e.createdAt),
                  duration(e.startedAt, e.finishedAt),
                ]),
              ),
              ...(page.nextCursor ? [`(more: --cursor ${page.nextCursor})`] : []),
            ],
            page,
          );
        }),
    );

  remoteCommand(executions, 'get', 'one run: how it went and each node run (--json: with their items)')
    .argument('<id>', 'the execution id')
    .action((id: string, flags: Flags) =>
      runAction(flags, async (out) => {
        const detail = await remoteOf(flags).api.call(apiRoutes.getExecution, { params: { id } });
        out.result(describeDetail(detail), detail);
      }),
    );

  remoteCommand(executions, 'logs', "a run's log: retries, failures, what Code nodes printed, how it ended")
    .argument('<id>', 'the execution id')
    .action((id: string, flags: Flags) =>
      runAction(flags, async (out) => {
        const { logs } = await remoteOf(flags).api.call(apiRoutes.getExecutionLogs, { params: { id } });
        out.result(
          logs.map((l) => `${when(l.at)} ${l.level.padEnd(5)} ${l.node ? `[${l.node}] ` : ''}${l.message}`),
          { logs },
        );
      }),
    );

  remoteCommand(executions, 'stop', 'stop a queued or running run (it ends as canceled)')
    .argument('<id>', 'the execution id')
    .action((id: string, flags: Flags) =>
      runAction(flags, async (out) => {
        const stopping = await remoteOf(flags).api.call(apiRoutes.stopExecution, { params: { id } });
        out.result(`stopping execution ${stopping.id} (it was ${stopping.status})`, stopping);
      }),
    );

  remoteCommand(executions, 'retry', 'run the same version again with the same trigger items')
    .argument('<id>', 'the execution to retry')
    .option('--wait', "print each node's status as it runs; exit 1 if the run fails or is canceled")
    .option('--timeout <seconds>', 'with --wait: give up waiting after this long (exit 1; the run goes on)', seconds)
    .action((id: string, flags: Flags & WaitFlags) =>
      runAction(flags, async (out) => {
        const remote = remoteOf(flags);
        const retry = () => remote.api.call(apiRoutes.retryExecution, { params: { id } });
        if (!flags.wait) {
          const execution = await retry();
          out.result(`started execution ${execution.id} (retry of ${id}, ${execution.status})`, execution);
          return;
        }
        const original = await remote.api.call(apiRoutes.getExecution, { params: { id } });
        return followRun(out, remote, original.workflowId, retry, flags.timeout);
      }),
    );

  return executions;
};

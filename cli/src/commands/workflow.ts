import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { WorkflowDto } from '#shared/api/index.ts';
import { CliError, ExitCode, table, when } from '../output.ts';
import { apiRoutes } from '../remote.ts';
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
 * `weft workflow list|get|export|import|delete|publish|activate|deactivate`,
 * against a server with an API token.
 */

type Flags = RemoteFlagSet & JsonFlag;

const describe = (w: WorkflowDto): string =>
  `${w.name} (${w.id}): ${w.role}, ${w.active ? 'active' : 'inactive'}${w.publishedHash ? `, published ${w.publishedHash.slice(0, 12)}` : ''}`;

const remoteCommand = (parent: Command, name: string, description: string): Command =>
  addRemote(parent.command(name).description(description).addOption(jsonOption()));

export const workflowCommand = (): Command => {
  const workflow = new Command('workflow').description('list, read, import, export, delete and publish workflows');

  remoteCommand(workflow, 'list', 'the workflows the token can open').action((flags: Flags) =>
    runAction(flags, async (out) => {
      const { workflows } = await remoteOf(flags).api.call(apiRoutes.listWorkflows);
      out.result(
        table(
          ['ID', 'NAME', 'ROLE', 'ACTIVE', 'UPDATED'],
          workflows.map((w) => [w.id, w.name, w.role, w.active ? 'yes' : 'no', when(w.updatedAt)]),
        ),
        { workflows },
      );
    }),
  );

  remoteCommand(workflow, 'get', 'one workflow: name, your role, whether it is active')
    .argument('<id>', 'the workflow id')
    .action((id: string, flags: Flags) =>
      runAction(flags, async (out) => {
        const found = await remoteOf(flags).api.call(apiRoutes.getWorkflow, { params: { id } });
        out.result(describe(found), found);
      }),
    );

  remoteCommand(workflow, 'export', 'the workflow definition (JSON), to stdout or a file')
    .argument('<id>', 'the workflow id')
    .option('-o, --output <file>', 'write it to this file instead of stdout')
    .action((id: string, flags: Flags & { output?: string }) =>
      runAction(flags, async (out) => {
        const definition = await remoteOf(flags).api.call(apiRoutes.exportWorkflow, { params: { id } });
        const text = `${JSON.stringify(definition, null, 2)}\n`;
        if (flags.output === undefined) {
          // The definition is JSON either way: --json prints it as it is.
          process.stdout.write(text);
          return;
        }
        try {
          writeFileSync(flags.output, text);
        } catch (error) {
          throw new CliError(
            ExitCode.failed,
            'write_failed',
            `cannot write ${flags.output}: ${(error as Error).message}`,
          );
        }
        out.result(`exported ${definition.name} (${id}) to ${flags.output}`, { id, file: flags.output });
      }),
    );

  remoteCommand(workflow, 'import', 'create a workflow from a definition file (Weft or n8n JSON)')
    .argument('<file>', 'the definition: a file weft workflow export wrote, or an n8n workflow export')
    .action((file: string, flags: Flags) =>
      runAction(flags, async (out) => {
        const body = readJsonFile(file, 'the definition file');
        const created = await remoteOf(flags).api.call(apiRoutes.importWorkflow, { body });
        out.result(`imported ${describe(created)}`, created);
        if (!out.json) for (const warning of created.warnings) out.note(`warning: ${warning.message}`);
      }),
    );

  remoteCommand(workflow, 'delete', 'delete a workflow, its versions and its executions (owners)')
    .argument('<id>', 'the workflow id')
    .action((id: string, flags: Flags) =>
      runAction(flags, async (out) => {
        await remoteOf(flags).api.call(apiRoutes.deleteWorkflow, { params: { id } });
        out.result(`deleted ${id}`, { id, deleted: true });
      }),
    );

  const activation = [
    ['publish', apiRoutes.publishWorkflow, 'save the workflow as it is now as its production version'],
    ['activate', apiRoutes.activateWorkflow, 'turn on its triggers (webhooks, schedules) on the published version'],
    ['deactivate', apiRoutes.deactivateWorkflow, 'turn off its triggers'],
  ] as const;
  for (const [name, route, description] of activation) {
    remoteCommand(workflow, name, description)
      .argument('<id>', 'the workflow id')
      .action((id: string, flags: Flags) =>
        runAction(flags, async (out) => {
          const state = await remoteOf(flags).api.call(route, { params: { id } });
          out.result(
            `${id}: ${state.active ? 'active' : 'inactive'}, published version ${state.publishedHash ?? 'none'}`,
            state,
          );
        }),
      );
  }

  return workflow;
};

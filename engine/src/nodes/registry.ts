import type { NodeExecutor } from '../runner/types.ts';
import { code } from './code.ts';
import { dateTime } from './date-time.ts';
import { filter } from './filter.ts';
import { ifNode } from './if.ts';
import { merge } from './merge.ts';
import { noOp } from './no-op.ts';
import { errorTrigger, stopAndError } from './error-nodes.ts';
import { switchNode } from './switch.ts';
import { wait } from './wait.ts';
import { httpRequest } from './http-request.ts';
import { respondToWebhook } from './respond-to-webhook.ts';
import { aggregate } from './aggregate.ts';
import { limit } from './limit.ts';
import { removeDuplicates } from './remove-duplicates.ts';
import { compareDatasets } from './compare-datasets.ts';
import { loopOverItems } from './loop-over-items.ts';
import { renameKeys } from './rename-keys.ts';
import { set } from './set.ts';
import { sort } from './sort.ts';
import { splitOut } from './split-out.ts';
import { summarize } from './summarize.ts';
import { xml } from './xml.ts';
import { readWriteFile } from './read-write-file.ts';
import { html } from './html.ts';
import { markdown } from './markdown.ts';
import { crypto } from './crypto.ts';
import { emailSend } from './email-send.ts';
import { postgres } from './postgres.ts';
import { mySql } from './mysql.ts';
import { executionData } from './execution-data.ts';
import { manualTrigger, scheduleTrigger, webhook } from './triggers.ts';
import { executeWorkflow, executeWorkflowTrigger } from './execute-workflow.ts';

/** How each node type of shared/nodes runs. Sticky notes never run. */
export const executors: ReadonlyMap<string, NodeExecutor> = new Map<string, NodeExecutor>([
  ['manualTrigger', manualTrigger],
  ['webhook', webhook],
  ['scheduleTrigger', scheduleTrigger],
  ['respondToWebhook', respondToWebhook],
  ['httpRequest', httpRequest],
  ['if', ifNode],
  ['switch', switchNode],
  ['filter', filter],
  ['merge', merge],
  ['wait', wait],
  ['noOp', noOp],
  ['errorTrigger', errorTrigger],
  ['stopAndError', stopAndError],
  ['set', set],
  ['code', code],
  ['sort', sort],
  ['limit', limit],
  ['aggregate', aggregate],
  ['splitOut', splitOut],
  ['removeDuplicates', removeDuplicates],
  ['summarize', summarize],
  ['renameKeys', renameKeys],
  ['splitInBatches', loopOverItems],
  ['compareDatasets', compareDatasets],
  ['xml', xml],
  ['readWriteFile', readWriteFile],
  ['html', html],
  ['markdown', markdown],
  ['crypto', crypto],
  ['emailSend', emailSend],
  ['postgres', postgres],
  ['mySql', mySql],
  ['dateTime', dateTime],
  ['executionData', executionData],
  ['executeWorkflowTrigger', executeWorkflowTrigger],
  ['executeWorkflow', executeWorkflow],
]);

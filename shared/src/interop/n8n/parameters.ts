import { codeMappers } from './mappers/code.ts';
import { compareDatasetsMappers } from './mappers/compare-datasets.ts';
import { conditionMappers } from './mappers/conditions.ts';
import { cryptoMappers } from './mappers/crypto.ts';
import { emailSendMappers } from './mappers/email-send.ts';
import { postgresMappers } from './mappers/postgres.ts';
import { mysqlMappers } from './mappers/mysql.ts';
import { readWriteFileMappers } from './mappers/read-write-file.ts';
import { dateTimeMappers } from './mappers/date-time.ts';
import { htmlMappers } from './mappers/html.ts';
import { httpRequestMappers } from './mappers/http-request.ts';
import { itemListMappers } from './mappers/item-lists.ts';
import { loopOverItemsMappers } from './mappers/loop-over-items.ts';
import { markdownMappers } from './mappers/markdown.ts';
import { mergeMappers } from './mappers/merge.ts';
import { renameKeysMappers } from './mappers/rename-keys.ts';
import { executionDataMappers } from './mappers/execution-data.ts';
import { errorNodeMappers } from './mappers/error-nodes.ts';
import { respondToWebhookMappers } from './mappers/respond-to-webhook.ts';
import { setMappers } from './mappers/set.ts';
import { stickyNoteMappers } from './mappers/sticky-note.ts';
import { summarizeMappers } from './mappers/summarize.ts';
import { triggerMappers } from './mappers/triggers.ts';
import { waitMappers } from './mappers/wait.ts';
import { xmlMappers } from './mappers/xml.ts';
import { workflowMappers } from './mappers/workflows.ts';
import type { Mapper, ParamReader, Params } from './param-reader.ts';

/**
 * n8n parameters → Weft parameters, per node type (one module per family in
 * mappers/). Weft's parameter names follow n8n's, but n8n nests many of them
 * (`options.timeout`, `headerParameters.parameters`) and changed shapes across
 * node versions; each mapper reads what its type's n8n versions write.
 */

const mappers: Record<string, Mapper> = {
  ...triggerMappers,
  ...httpRequestMappers,
  ...codeMappers,
  ...respondToWebhookMappers,
  ...conditionMappers,
  ...setMappers,
  ...mergeMappers,
  ...waitMappers,
  ...loopOverItemsMappers,
  ...itemListMappers,
  ...dateTimeMappers,
  ...stickyNoteMappers,
  ...summarizeMappers,
  ...renameKeysMappers,
  ...executionDataMappers,
  ...errorNodeMappers,
  ...compareDatasetsMappers,
  ...xmlMappers,
  ...htmlMappers,
  ...markdownMappers,
  ...cryptoMappers,
  ...emailSendMappers,
  ...postgresMappers,
  ...mysqlMappers,
  ...readWriteFileMappers,
  ...workflowMappers,
};

/** Weft parameters for an n8n node of a type Weft has; undefined when Weft has no such type. */
export const mapParameters = (type: string, reader: ParamReader): Params | undefined => mappers[type]?.(reader);

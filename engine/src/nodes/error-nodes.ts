import { MAIN } from '#shared/nodes/types.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';

/**
 * n8n's example for a manual run with nothing to hand on (ErrorTrigger.node.ts), so an error workflow can be
 * built by hand. n8n writes its own REST address into the URL; the engine does not know the server's, so the
 * example's URL is a path (an exception in the harness, docs/n8n-compatibility.md).
 */
const examplePayload = (): JsonObject => ({
  execution: {
    id: 231,
    url: '/execution/workflow/1/231',
    retryOf: '34',
    error: { message: 'Example Error Message', stack: 'Stacktrace' },
    lastNodeExecuted: 'Node With Error',
    mode: 'manual',
  },
  workflow: { id: '1', name: 'Example Workflow' },
});

/** Hands on the failed run's facts the server gave the run; a manual run started on it by hand gets the example. */
export const errorTrigger: NodeExecutor = (ctx) => {
  const items = ctx.items.length > 0 ? ctx.items : [{ json: {} }];
  const bare = items.length === 1 && Object.keys(items[0]?.json ?? {}).length === 0;
  if (ctx.meta.execution.mode === 'manual' && bare) return { [MAIN]: [{ json: examplePayload() }] };
  return { [MAIN]: items };
};

const nonEmptyText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * The message of an error object as n8n's StopAndError/utils.ts picks it: `message`, else `description`,
 * else `error`, else the object as JSON.
 */
const objectMessage = (object: Record<string, unknown>): string =>
  [object.message, object.description, object.error].find(nonEmptyText) ?? `Error: ${JSON.stringify(object)}`;

/** An expression may make the message a number or an object: it becomes its JSON. */
const messageText = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);

const parseObject = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (e) {
    throw new NodeError(`Error object is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/**
 * Fails the node (and, as n8n does, the run unless the node continues on error) with the parameters'
 * message, or with an error object's message and the whole object kept in the error's description.
 */
export const stopAndError: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  if (p.errorType !== 'errorObject') throw new NodeError(messageText(p.errorMessage));
  const object = parseObject(p.errorObject);
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    // n8n reads fields of whatever the JSON is: a list or a number has none, null fails the read.
    if (object === null) throw new NodeError("Error object is null: it has no 'message'");
    throw new NodeError(`Error: ${JSON.stringify(object)}`);
  }
  const fields = object as Record<string, unknown>;
  const kept = JSON.stringify(fields, null, 2);
  const description = nonEmptyText(fields.description) ? `${fields.description}\n\n${kept}` : kept;
  throw new NodeError(objectMessage(fields), description);
};

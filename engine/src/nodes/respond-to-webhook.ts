import { MAIN } from '#shared/nodes/types.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { str } from './values.ts';

/** Sets the answer of the webhook that started the run, and passes its items on. */
export const respondToWebhook: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const status = Number(p.responseCode ?? 200);
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw new NodeError(`${JSON.stringify(p.responseCode)} is not an HTTP status`);
  const headers: Record<string, string> = {};
  for (const h of Array.isArray(p.headers) ? (p.headers as { name?: unknown; value?: unknown }[]) : []) {
    const name = str(h.name, '').trim();
    if (name) headers[name.toLowerCase()] = str(h.value, '');
  }
  let body: unknown;
  switch (p.respondWith) {
    case 'allIncomingItems':
      body = ctx.items.map((i) => i.json);
      break;
    case 'json':
      if (typeof p.responseBody === 'string') {
        try {
          body = JSON.parse(p.responseBody);
        } catch {
          throw new NodeError('the response body is not valid JSON');
        }
      } else body = p.responseBody;
      break;
    case 'text':
      body = str(p.responseText, '');
      headers['content-type'] ??= 'text/plain; charset=utf-8';
      break;
    case 'noData':
      body = undefined;
      break;
    default:
      body = ctx.items[0]?.json ?? {};
  }
  ctx.respond({ status, headers, body });
  return { [MAIN]: ctx.items };
};

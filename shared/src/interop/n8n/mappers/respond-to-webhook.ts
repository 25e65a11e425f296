import { text } from '../conditions.ts';
import { type Mapper, nameValueRows, type Params } from '../param-reader.ts';

/** Respond to Webhook. */
export const respondToWebhookMappers: Record<string, Mapper> = {
  respondToWebhook: (r) => {
    const out: Params = {};
    const respondWith = r.get('respondWith') ?? 'firstIncomingItem';
    out.respondWith = respondWith;
    if (respondWith === 'text') out.responseText = text(r.get('responseBody'));
    else if (respondWith === 'json') out.responseBody = text(r.get('responseBody'));
    else r.get('responseBody');
    const code = r.get('options.responseCode');
    if (code !== undefined) out.responseCode = code;
    out.headers = nameValueRows(r.rows('options.responseHeaders.entries'));
    return out;
  },
};

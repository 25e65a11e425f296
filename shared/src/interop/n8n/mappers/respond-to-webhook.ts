import { text } from '../conditions.ts';
import { type Mapper, nameValueRows, type Params } from '../param-reader.ts';

/** n8n's Response Body default for "JSON" (what a node saved without one answers). */
const N8N_JSON_BODY_DEFAULT = '{\n  "myField": "value"\n}';

/** Respond to Webhook 1–1.5. */
export const respondToWebhookMappers: Record<string, Mapper> = {
  respondToWebhook: (r) => {
    const out: Params = {};
    const respondWith = r.get('respondWith') ?? 'firstIncomingItem';
    out.respondWith = respondWith;
    const body = r.get('responseBody');
    if (respondWith === 'text') out.responseText = body ?? '';
    else if (respondWith === 'json') out.responseBody = body ?? N8N_JSON_BODY_DEFAULT;
    else if (respondWith === 'redirect') out.redirectURL = r.get('redirectURL') ?? '';
    else if (respondWith === 'binary' || respondWith === 'jwt')
      r.problem(
        `it responded with "${text(respondWith)}", which Weft does not support (its items carry no binary data or tokens); it responds with the first item instead`,
      );
    if (respondWith === 'binary') {
      r.get('responseDataSource');
      r.get('inputFieldName');
    }
    const code = r.get('options.responseCode');
    // n8n answers a redirect with 307 unless a code is set, anything else with 200.
    if (code !== undefined) out.responseCode = code;
    else if (respondWith === 'redirect') out.responseCode = 307;
    out.headers = nameValueRows(r.rows('options.responseHeaders.entries'));
    const key = r.get('options.responseKey');
    if (key !== undefined && (respondWith === 'allIncomingItems' || respondWith === 'firstIncomingItem'))
      out.responseKey = key;
    // Streaming only applies to a webhook in streaming mode, which Weft's webhooks are not.
    r.get('options.enableStreaming');
    // 1.3 always has the "Response" branch, 1.4+ when asked; 1.0 answers without a webhook before it.
    if (r.version === 1.3 || (r.version >= 1.4 && r.get('enableResponseOutput') === true)) out.responseOutput = true;
    if (r.version < 1.1) out.requireWebhook = false;
    return out;
  },
};

import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import type { WebhookResponse } from '../src/runner/types.ts';
import { definition, edge, items, node, run, runNode } from './harness.ts';

/**
 * Respond to Webhook hands the server the answer n8n's node hands its own
 * (RespondToWebhook.node.js, n8n-nodes-base 2.41): found by the
 * respondToWebhook family of the n8n differential tests.
 */

const answer = async (params: Record<string, unknown>, input = items({ a: 1 }, { a: 2 })) => {
  let got: WebhookResponse | undefined;
  await runNode('respondToWebhook', params, input, { onRespond: (r) => (got = r) });
  return got;
};

describe('Respond to Webhook answers as n8n', () => {
  it('puts the items in a field with lodash set ("Put Response in Field")', async () => {
    expect((await answer({ respondWith: 'allIncomingItems', responseKey: 'data' }))?.body).toEqual({
      data: [{ a: 1 }, { a: 2 }],
    });
    // lodash's path rules: "a[0]" makes a list.
    expect((await answer({ respondWith: 'firstIncomingItem', responseKey: 'a[0]' }))?.body).toEqual({
      a: [{ a: 1 }],
    });
  });

  it('redirects with 307 and a location unless a code is set', async () => {
    // n8n: `responseCode ?? 307` (the importer writes 307 for a node without a code).
    expect(
      await answer({ respondWith: 'redirect', redirectURL: 'https://example.com/next', responseCode: '={{ null }}' }),
    ).toEqual({
      status: 307,
      headers: { location: 'https://example.com/next' },
      body: undefined,
    });
    expect((await answer({ respondWith: 'redirect', redirectURL: '/x', responseCode: 302 }))?.status).toBe(302);
  });

  it('lower-cases header names, and a header whose value comes out empty (null) is unset', async () => {
    const got = await answer({
      respondWith: 'noData',
      headers: [
        { name: 'X-Mixed', value: 'one' },
        { name: 'cache-control', value: 'no-store' },
        { name: 'Cache-Control', value: '={{ $json.missing }}' },
      ],
    });
    expect(got?.headers).toEqual({ 'x-mixed': 'one' });
  });

  it('reads a falsy code as 200 and hands any other on (the server refuses what HTTP cannot send)', async () => {
    expect((await answer({ respondWith: 'noData', responseCode: 0 }))?.status).toBe(200);
    expect((await answer({ respondWith: 'noData', responseCode: '={{ $json.a + 200 }}' }))?.status).toBe(201);
    expect((await answer({ respondWith: 'noData', responseCode: 42 }))?.status).toBe(42);
  });

  it('answers JSON: an empty body is no body, invalid JSON fails with n8n’s message', async () => {
    expect((await answer({ respondWith: 'json', responseBody: '' }))?.body).toBeUndefined();
    expect((await answer({ respondWith: 'json', responseBody: '={{ $json }}' }))?.body).toEqual({ a: 1 });
    await expect(answer({ respondWith: 'json', responseBody: '{"a": ' })).rejects.toThrow(
      "Invalid JSON in 'Response Body' field",
    );
  });

  it('answers text as its expression gave it (a number stays one), as text/plain unless a header says', async () => {
    expect(await answer({ respondWith: 'text', responseText: '={{ $json.a }}' })).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 1,
    });
    const typed = await answer({
      respondWith: 'text',
      responseText: '<a/>',
      headers: [{ name: 'Content-Type', value: 'application/xml' }],
    });
    expect(typed?.headers).toEqual({ 'content-type': 'application/xml' });
  });
});

const imported = (parameters: Record<string, unknown>, typeVersion = 1.1) =>
  fromN8n({
    name: 'w',
    nodes: [
      {
        id: 'r',
        name: 'Respond',
        type: 'n8n-nodes-base.respondToWebhook',
        typeVersion,
        position: [0, 0],
        parameters,
      },
    ],
    connections: {},
  });

describe('Respond to Webhook from n8n', () => {
  it('keeps a redirect (307 when n8n set no code) and the response field', () => {
    const { definition } = imported({ respondWith: 'redirect', redirectURL: 'https://example.com', options: {} });
    expect(definition.nodes[0]?.parameters).toMatchObject({
      respondWith: 'redirect',
      redirectURL: 'https://example.com',
      responseCode: 307,
    });
    const keyed = imported({ respondWith: 'allIncomingItems', options: { responseKey: 'data' } });
    expect(keyed.definition.nodes[0]?.parameters).toMatchObject({ responseKey: 'data' });
  });

  it('gives JSON without a body n8n’s default body', () => {
    const { definition } = imported({ respondWith: 'json', options: {} });
    expect(definition.nodes[0]?.parameters).toMatchObject({ responseBody: '{\n  "myField": "value"\n}' });
  });

  it('names what it cannot carry (a binary answer) and carries the response branch and the webhook check', () => {
    const binary = imported({ respondWith: 'binary', options: {} });
    expect(binary.warnings.map((w) => w.message).join('\n')).toMatch(/responded with "binary"/);
    // n8n's configuredOutputs: 1.3 always has the "Response" output, 1.4+ when enableResponseOutput is on.
    const branch = imported({ respondWith: 'noData', options: {} }, 1.3);
    expect(branch.warnings).toEqual([]);
    expect(branch.definition.nodes[0]?.parameters).toMatchObject({ responseOutput: true });
    expect(imported({ respondWith: 'noData', options: {} }, 1.4).definition.nodes[0]?.parameters).not.toHaveProperty(
      'responseOutput',
    );
    // 1.0 answers without a webhook before it; 1.1+ fails ("No Webhook node found in the workflow").
    expect(imported({ respondWith: 'noData', options: {} }, 1).definition.nodes[0]?.parameters).toMatchObject({
      requireWebhook: false,
    });
  });
});

describe('Respond to Webhook in a workflow, as n8n 1.1+ runs it', () => {
  const respond = (params: Record<string, unknown>) =>
    node('Respond', 'respondToWebhook', { respondWith: 'json', responseBody: '{"ok":true}', ...params });

  it('fails without a Webhook or Wait node before it', async () => {
    const alone = definition({
      name: 'alone',
      nodes: [node('Start', 'manualTrigger'), respond({})],
      edges: [edge('Start', 'Respond')],
    });
    const r = await run(alone);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/No Webhook node found in the workflow/);
    // n8n 1.0 did not check.
    expect(
      (await run(definition({ ...alone, nodes: [node('Start', 'manualTrigger'), respond({ requireWebhook: false })] })))
        .status,
    ).toBe('succeeded');
  });

  it('puts what it sent on its "response" output when asked', async () => {
    const def = definition({
      name: 'hook',
      nodes: [node('Hook', 'webhook', { path: 'in' }), respond({ responseOutput: true, responseCode: 201 })],
      edges: [edge('Hook', 'Respond')],
    });
    const r = await run(def, { triggerItems: items({ body: { a: 1 } }) });
    expect(r.status).toBe('succeeded');
    const sent = r.runs.find((x) => x.name === 'Respond');
    expect(sent?.output.main).toEqual(items({ body: { a: 1 } }));
    expect(sent?.output.response).toEqual(items({ response: { body: { ok: true }, headers: {}, statusCode: 201 } }));
  });
});

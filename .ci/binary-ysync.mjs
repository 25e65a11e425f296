// Part of .ci/binary-smoke: stock y-websocket clients against the `weft`
// binary. This script runs on the system's node from the repository (it needs
// y-websocket, yjs and ws from node_modules); only the binary's own processes
// run without node on PATH.
//
//   node .ci/binary-ysync.mjs <ws url> <workflow id> <cookie header> write <text>
//     two clients connect; the first types <text> into the workflow's
//     description; the second must receive it through the server.
//   node .ci/binary-ysync.mjs <ws url> <workflow id> <cookie header> read <text>
//     one client connects; once synced the description must contain <text>.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const [wsUrl, workflowId, cookie, mode, text] = process.argv.slice(2);
if (!wsUrl || !workflowId || !cookie || (mode !== 'write' && mode !== 'read') || !text) {
  process.stderr.write('usage: binary-ysync.mjs <ws url> <workflow id> <cookie header> write|read <text>\n');
  process.exit(2);
}

class CookieWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { headers: { cookie } });
  }
}

const connect = () => {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, workflowId, doc, {
    WebSocketPolyfill: CookieWebSocket,
    // Two clients in one process would otherwise sync through a BroadcastChannel, proving nothing about the server.
    disableBc: true,
  });
  const synced = new Promise((resolve) => {
    if (provider.synced) resolve();
    provider.on('sync', (isSynced) => isSynced && resolve());
  });
  return { doc, provider, synced };
};

const description = (doc) => {
  const value = doc.getMap('meta').get('description');
  return value instanceof Y.Text ? value.toString() : '';
};

const within = (ms, what, promise) =>
  Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)),
  ]);

const until = (doc, check) =>
  new Promise((resolve) => {
    if (check()) resolve();
    doc.on('update', () => check() && resolve());
  });

const clients = mode === 'write' ? [connect(), connect()] : [connect()];
try {
  await within(10_000, 'clients sync', Promise.all(clients.map((c) => c.synced)));
  if (mode === 'write') {
    const [writer, reader] = clients;
    const field = writer.doc.getMap('meta').get('description');
    if (!(field instanceof Y.Text)) throw new Error('the workflow has no description text');
    field.insert(field.length, text);
    // The server stores an update before it relays it: once the reader has it, a restart keeps it.
    await within(
      10_000,
      'the second client receives the edit',
      until(reader.doc, () => description(reader.doc).includes(text)),
    );
  } else if (!description(clients[0].doc).includes(text)) {
    throw new Error(
      `the description is ${JSON.stringify(description(clients[0].doc))}, without ${JSON.stringify(text)}`,
    );
  }
  process.stdout.write(`y-websocket ${mode}: ok\n`);
} finally {
  for (const { provider, doc } of clients) {
    provider.destroy();
    doc.destroy();
  }
}
process.exit(0);

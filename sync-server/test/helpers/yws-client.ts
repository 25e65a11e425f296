import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface YwsClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes the server sent this client, in order. */
  closes: { code: number; reason: string }[];
  synced: (timeoutMs?: number) => Promise<void>;
  destroy: () => void;
}

// Every stock provider in Node adds a process 'exit' listener; tests run dozens at once.
process.setMaxListeners(200);

/** `ws` with extra handshake headers (a cookie), for providers that cannot set headers. */
export const wsWithHeaders = (headers: Record<string, string>): typeof WebSocket =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  } as typeof WebSocket;

/**
 * The stock y-websocket provider in Node, with `ws` as its WebSocket and
 * BroadcastChannel off (two providers in one process would otherwise sync
 * through it and prove nothing about the server).
 */
export const connectClient = (
  wsUrl: string,
  workflowId: string,
  auth: { token?: string; headers?: Record<string, string> },
  options: { clientID?: number; doc?: Y.Doc } = {},
): YwsClient => {
  const doc = options.doc ?? new Y.Doc();
  if (options.clientID !== undefined) doc.clientID = options.clientID;
  const closes: { code: number; reason: string }[] = [];
  const provider = new WebsocketProvider(wsUrl, workflowId, doc, {
    WebSocketPolyfill: (auth.headers ? wsWithHeaders(auth.headers) : WebSocket) as never,
    params: auth.token ? { token: auth.token } : {},
    disableBc: true,
    maxBackoffTime: 300,
  });
  // The provider's types name the DOM CloseEvent, which Node's types do not have.
  provider.on('connection-close', (event: unknown) => {
    const e = event as { code: number; reason: string } | null;
    if (e) closes.push({ code: e.code, reason: e.reason });
  });
  return {
    doc,
    provider,
    closes,
    synced: (timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (provider.synced) {
          resolve();
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`client of ${workflowId} did not sync in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onSync = (isSynced: boolean) => {
          if (!isSynced) return;
          clearTimeout(timer);
          provider.off('sync', onSync);
          resolve();
        };
        provider.on('sync', onSync);
      }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
};

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes (then throws with `what`). */
export const waitFor = async (what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Opens a raw socket and resolves with the close code the server sends. */
export const closeCodeOf = (
  url: string,
  headers: Record<string, string> = {},
): Promise<{ code: number; reason: string }> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => reject(new Error(`no close from ${url}`)), 5000);
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    ws.on('error', () => {});
  });

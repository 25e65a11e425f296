import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CloseCodes, isPermanentClose } from '#shared/protocol/close-codes.ts';
import { GitFolderError, messageOf } from './errors.ts';

/**
 * A workflow document opened the way the editor opens it: the stock
 * y-websocket provider on `/sync/<id>`, authenticated with an API token in
 * the Authorization header (never in the URL, which proxies log). The CLI
 * sets no awareness state, so it does not show up as a person in the editor.
 */

export interface Server {
  /** The server's base URL, http(s)://host[:port][/prefix]. */
  url: string;
  token: string;
  /** How long to wait for a connection and its answers. */
  timeoutMs: number;
}

export interface Peer {
  doc: Y.Doc;
  close(): void;
}

export const syncUrl = (base: string): string => {
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/sync`;
  url.search = '';
  url.hash = '';
  return url.toString();
};

const socketWithToken = (token: string): typeof WebSocket =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
    }
  } as typeof WebSocket;

const closeError = (workflowId: string, code: number, reason: string): GitFolderError => {
  const detail = reason ? ` (${reason})` : '';
  if (code === CloseCodes.unauthorized)
    return new GitFolderError(`The server refused the token${detail}`, { kind: 'authRefused' });
  if (code === CloseCodes.forbidden)
    return new GitFolderError(`No access to workflow ${workflowId}${detail}`, { kind: 'authRefused' });
  if (code === CloseCodes.notFound)
    return new GitFolderError(`Workflow ${workflowId} does not exist${detail}`, { kind: 'notFound' });
  return new GitFolderError(`The server closed the connection to workflow ${workflowId}: ${code}${detail}`);
};

/**
 * Connects to a workflow's document and resolves once it is in sync with the
 * server and `ready(doc)` holds (checked again on every update the server
 * sends). Rejects on a permanent refusal (4401/4403/4404) or when `timeoutMs`
 * passes; the connection is closed then.
 */
export const openPeer = (
  server: Server,
  workflowId: string,
  options: { doc?: Y.Doc; ready?: (doc: Y.Doc) => boolean } = {},
): Promise<Peer> =>
  new Promise((resolve, reject) => {
    const doc = options.doc ?? new Y.Doc();
    const ready = options.ready ?? (() => true);
    let provider: WebsocketProvider;
    try {
      provider = new WebsocketProvider(syncUrl(server.url), workflowId, doc, {
        connect: false,
        WebSocketPolyfill: socketWithToken(server.token) as never,
        disableBc: true,
        maxBackoffTime: 1000,
      });
    } catch (error) {
      reject(new GitFolderError(`Cannot connect to ${server.url}: ${messageOf(error)}`, { kind: 'usage' }));
      return;
    }
    provider.awareness.setLocalState(null);
    let settled = false;
    let lastError = '';
    const finish = (error?: GitFolderError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      doc.off('update', check);
      if (error) {
        provider.destroy();
        reject(error);
        return;
      }
      resolve({ doc, close: () => provider.destroy() });
    };
    const check = (): void => {
      try {
        if (provider.synced && ready(doc)) finish();
      } catch (error) {
        finish(new GitFolderError(messageOf(error)));
      }
    };
    const timer = setTimeout(() => {
      const why = lastError ? `: ${lastError}` : '';
      finish(
        new GitFolderError(
          `No answer about workflow ${workflowId} from ${server.url} in ${server.timeoutMs} ms${why}`,
          {
            kind: 'unreachable',
          },
        ),
      );
    }, server.timeoutMs);
    provider.on('sync', check);
    doc.on('update', check);
    provider.on('connection-error', (event: unknown) => {
      lastError = messageOf((event as { error?: unknown } | null)?.error ?? 'connection failed');
    });
    provider.on('connection-close', (event: unknown) => {
      const e = event as { code?: unknown; reason?: unknown } | null;
      if (e && typeof e.code === 'number' && isPermanentClose(e.code)) {
        finish(closeError(workflowId, e.code, typeof e.reason === 'string' ? e.reason : ''));
      } else if (e && typeof e.code === 'number') lastError = `closed with ${e.code}`;
    });
    provider.connect();
  });

/** The document as the server has it now (a whole Yjs state), read through a fresh connection. */
export const fetchDocState = async (server: Server, workflowId: string): Promise<Y.Doc> => {
  const peer = await openPeer(server, workflowId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer.doc));
  peer.close();
  peer.doc.destroy();
  return doc;
};

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '#shared/log.ts';

/**
 * The one `upgrade` listener: every WebSocket handshake (`/sync/<id>`,
 * `/engine`) comes through here. Node hands an upgrade's socket over with no
 * error listener and does not catch what a listener throws, so an unhandled
 * socket error or a throw while reading the request (a malformed URL, a bad
 * %-escape) would end the process. Here the socket gets an error listener at
 * once, the URL is parsed once, and anything a handler throws closes that one
 * socket with a 400 or 500.
 */

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export interface UpgradeRoute {
  /** Whether this handler serves the path. */
  matches(pathname: string): boolean;
  handle: UpgradeHandler;
}

/** Answers a refused handshake with a plain HTTP status and closes the socket. */
export const refuseUpgrade = (socket: Duplex, status: number, reason: string): void => {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  // A peer that never reads must not keep the socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
};

export const routeUpgrades = (
  server: Server,
  options: {
    routes: readonly UpgradeRoute[];
    logger: Logger;
    /** Checked before any route (the Host guard); a refusal answers with its status. */
    admit?: (req: IncomingMessage) => { status: number; reason: string } | undefined;
  },
) => {
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      refuseUpgrade(socket, 400, 'Bad Request');
      return;
    }
    try {
      const refused = options.admit?.(req);
      if (refused) {
        refuseUpgrade(socket, refused.status, refused.reason);
        return;
      }
      const route = options.routes.find((r) => r.matches(url.pathname));
      if (!route) {
        refuseUpgrade(socket, 404, 'Not Found');
        return;
      }
      route.handle(req, socket, head, url);
    } catch (error) {
      options.logger.error({ err: error, path: url.pathname }, 'an upgrade request failed');
      refuseUpgrade(socket, 500, 'Internal Server Error');
    }
  };
  server.on('upgrade', onUpgrade);
  return { close: () => server.off('upgrade', onUpgrade) };
};

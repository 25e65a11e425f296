import { Agent, request } from 'node:http';
import { connect } from 'node:net';

/**
 * Two ways of talking HTTP to the server under attack: node:http for
 * requests it can express (REST inputs), and raw bytes over TCP for the ones
 * it would refuse to send (bad request lines, broken framing, odd headers).
 */

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
/** Kept-alive sockets that already have the listener below (one each, however many requests they carry). */
const guarded = new WeakSet<object>();

const once = (
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
  fresh: boolean,
): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    // node:http frames a GET or DELETE body with no header at all, which the server then reads as the
    // next request on the connection: say its length.
    const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: framed, agent: fresh ? false : agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    // When the server answers before our body is written (401, 413), the request lets go of its socket
    // while the rest of the body is still being written; that write then fails with no one listening.
    req.on('socket', (socket) => {
      if (guarded.has(socket)) return;
      guarded.add(socket);
      socket.on('error', () => {});
    });
    req.end(body);
  });

/**
 * One request; a reset on a kept-alive connection (the server may close an
 * idle one just as it is reused) is tried once more on a fresh connection.
 * Throws when node:http refuses the request itself (`ERR_` codes) or no answer came.
 */
export const httpRequest = async (
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> => {
  try {
    return await once(port, method, path, headers, body, timeoutMs, false);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE') throw error;
    return once(port, method, path, headers, body, timeoutMs, true);
  }
};

export const closeHttpAgent = (): void => agent.destroy();

export interface RawAnswer {
  /** Status codes of every response head read (a 100 Continue, then the final one). */
  statuses: number[];
  /** The first line of what came back, when it was not a status line. */
  garbage?: string;
  /** Nothing came back before the server closed the connection. */
  closedSilently: boolean;
  timedOut: boolean;
}

/**
 * Sends raw bytes and reads response heads until a final (non-1xx) one, the
 * server closing the connection, or `timeoutMs`. `halfClose` ends our side
 * right after sending (an input that is incomplete on purpose); otherwise our
 * side is ended after `nudgeAfterMs` without an answer (a request the server
 * still reads: ending it must bring an answer or a close).
 */
export const rawExchange = (
  port: number,
  bytes: Buffer,
  options: { timeoutMs: number; halfClose: boolean; nudgeAfterMs: number },
): Promise<RawAnswer & { nudged: boolean }> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const statuses: number[] = [];
    let settled = false;
    let nudged = false;
    const finish = (extra: Partial<RawAnswer>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(nudge);
      socket.destroy();
      resolve({ statuses, closedSilently: false, timedOut: false, nudged, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), options.timeoutMs);
    const nudge = setTimeout(() => {
      nudged = true;
      socket.end();
    }, options.nudgeAfterMs);
    socket.on('data', (chunk: Buffer) => {
      clearTimeout(nudge);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(head);
        if (!match) {
          finish({ garbage: head.split('\r\n')[0]?.slice(0, 120) ?? '' });
          return;
        }
        const status = Number(match[1]);
        statuses.push(status);
        // 100 Continue and 103 Early Hints come before the answer; 101 is the answer to an upgrade.
        if (status >= 200 || status === 101) {
          finish({});
          return;
        }
      }
    });
    socket.on('error', () => finish({ closedSilently: statuses.length === 0 }));
    socket.on('close', () => finish({ closedSilently: statuses.length === 0 }));
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });

import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { ErrorCodes } from '#shared/errors.ts';
import { errorBody } from './errors.ts';

/**
 * Why a request target cannot be served, or undefined when it can. An origin
 * server must accept absolute form (`GET http://host/path`), but one carrying
 * credentials (`http://user@host/…`) cannot become a fetch `Request`: the
 * constructor throws deep inside the app, long after routing. Refusing it here,
 * before @hono/node-server sees the request, keeps that a client error.
 */
export const badRequestTarget = (target: string | undefined): string | undefined => {
  if (target === undefined || target.startsWith('/')) return undefined;
  if (!/^https?:\/\//i.test(target)) return undefined; // hono answers other forms (`*`, `foo`) with a 400 itself
  const authority = target.slice(target.indexOf('//') + 2).split(/[/?#]/, 1)[0] ?? '';
  return authority.includes('@') ? 'A request target may not carry credentials (user@host)' : undefined;
};

const refuse = (res: ServerResponse, message: string): void => {
  const body = JSON.stringify(errorBody(ErrorCodes.badRequest, message));
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/**
 * node:http's createServer, with request targets checked before `listener`
 * (hono's adapter) runs. The adapter answers its own failures; should its
 * promise still reject, that one response is cut off rather than the process.
 */
export const createTargetCheckedServer = (
  options: ServerOptions,
  listener: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
) =>
  createServer(options, (req: IncomingMessage, res: ServerResponse) => {
    const problem = badRequestTarget(req.url);
    if (problem === undefined) {
      listener(req, res).catch(() => res.destroy());
      return;
    }
    // The body is not read: drain it so a keep-alive connection stays usable.
    req.resume();
    refuse(res, problem);
  });

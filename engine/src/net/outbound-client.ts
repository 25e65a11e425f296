import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, buildConnector, Headers, Response } from 'undici';
import { defaultNetworkPolicy, type NetworkPolicy } from '#shared/protocol/engine.ts';
import { AddressPolicy, OutboundRefused, parseAddress } from './address-policy.ts';

/**
 * HTTP requests the network policy allows, and no others. The policy is
 * checked where it cannot be dodged:
 * - at connect time, on the addresses DNS answered (a lookup hook on the
 *   socket), so a name that resolves to a public address when checked and to
 *   a private one when used (DNS rebinding) does not pass;
 * - on the socket's peer address once connected, which also covers literal
 *   IP hosts (Node does not look those up);
 * - before each request and on every redirect hop, which this client follows
 *   itself (at most MAX_REDIRECTS), dropping credentials when a hop leaves
 *   the origin.
 */

export const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that carry a secret whatever the credential: never sent to another origin. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * Headers given as a list go out one line per value, as n8n's client (Node's http) sends them: a `Headers`
 * object joins them into one line, which reads the same to a receiver except around an empty value (the
 * receiver trims `a, ` to `a,`). Kept beside the Headers object, and used while it still holds their join.
 */
type HeaderList = { joined: string; values: readonly string[] };
const headerLines = new WeakMap<Headers, Map<string, HeaderList>>();

/** Sets a header given as a list of values: joined in `headers`, sent one line per value. */
export const setHeaderList = (headers: Headers, name: string, values: readonly string[]): void => {
  headers.set(name, values.join(', '));
  let lines = headerLines.get(headers);
  if (!lines) headerLines.set(headers, (lines = new Map<string, HeaderList>()));
  lines.set(name.toLowerCase(), { joined: headers.get(name) ?? '', values });
};

/** The request's header lines: each list set by setHeaderList one line per value, unless changed since. */
const linesOf = (headers: Headers): string[] => {
  const lists = headerLines.get(headers);
  const out: string[] = [];
  for (const [name, value] of headers.entries()) {
    const list = lists?.get(name);
    if (list && list.joined === value) for (const v of list.values) out.push(name, v);
    else out.push(name, value);
  }
  return out;
};

export interface OutboundRequest {
  method: string;
  headers: Headers;
  body?: string;
  signal: AbortSignal;
  /** More header names that carry a secret (an API-key credential's header). */
  secretHeaders?: readonly string[];
  /** False: a redirect is the answer (the policy is still checked on the first hop). */
  followRedirects?: boolean;
}

export class OutboundClient {
  readonly policy: AddressPolicy;
  private readonly agent: Agent;

  constructor(network: NetworkPolicy) {
    this.policy = new AddressPolicy(network);
    const connect = buildConnector({ lookup: this.lookup });
    this.agent = new Agent({
      connect: (options, callback) =>
        connect(options, (...result) => {
          if (result[0]) {
            callback(result[0], null);
            return;
          }
          const socket = result[1];
          const refused = this.peerRefusal(options.hostname, socket);
          if (refused) {
            socket.destroy();
            callback(refused, null);
          } else callback(null, socket);
        }),
    });
  }

  /** Frees pooled connections. */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** Sends the request, following redirects (each hop checked); answers the last response and its URL. */
  async request(url: URL, request: OutboundRequest): Promise<{ response: Response; url: URL }> {
    const headers = request.headers;
    let { method, body } = request;
    let current = url;
    for (let hop = 0; ; hop++) {
      this.policy.checkName(current.hostname);
      const response = await this.send(current, method, headers, body, request.signal);
      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null || request.followRedirects === false)
        return { response, url: current };
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new Error(`redirected to "${location.slice(0, 200)}", which is not a URL`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        throw new Error(`redirected to a ${next.protocol} URL; only http and https are followed`);
      if (next.origin !== current.origin) {
        for (const name of [...SECRET_HEADERS, ...(request.secretHeaders ?? [])]) headers.delete(name);
      }
      // As browsers do: 303 turns into GET, and so do 301/302 after a POST; 307/308 keep method and body.
      if ((response.status === 303 && method !== 'HEAD') || (response.status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      current = next;
    }
  }

  /**
   * One hop, through the policy's agent. Not fetch: fetch refuses a body on GET
   * and HEAD, which n8n's HTTP Request sends and APIs (search endpoints) read.
   * The answer is a fetch Response all the same, body unread.
   */
  private async send(url: URL, method: string, headers: Headers, body: string | undefined, signal: AbortSignal) {
    const answer = await this.agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method,
      headers: linesOf(headers),
      ...(body !== undefined ? { body } : {}),
      signal,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
        responseHeaders.append(name, v);
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304 || method === 'HEAD';
    if (empty) answer.body.resume();
    return new Response(empty ? null : (Readable.toWeb(answer.body) as ReadableStream<Uint8Array>), {
      status: answer.statusCode,
      statusText: answer.statusText,
      headers: responseHeaders,
    });
  }

  private peerRefusal(hostname: string, socket: Socket): OutboundRefused | undefined {
    const peer = socket.remoteAddress;
    const address = peer ? parseAddress(peer) : undefined;
    if (!address) return new OutboundRefused(`the connection to ${hostname} has no peer address`);
    try {
      this.policy.checkAddress(hostname, address);
      return undefined;
    } catch (e) {
      return e instanceof OutboundRefused ? e : new OutboundRefused(String(e));
    }
  }

  /** dns.lookup, then every answer checked: one refused address refuses the name. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, options.all ? [] : '');
        return;
      }
      try {
        this.policy.checkName(hostname);
        if (addresses.length === 0) throw new Error(`${hostname} has no address`);
        if (!this.policy.allowsName(hostname)) {
          for (const a of addresses) {
            const address = parseAddress(a.address);
            if (!address) throw new OutboundRefused(`${hostname} resolves to ${a.address}, which is not an address`);
            this.policy.checkAddress(hostname, address);
          }
        }
      } catch (e) {
        callback(e instanceof Error ? e : new Error(String(e)), options.all ? [] : '');
        return;
      }
      const first = addresses[0] as { address: string; family: number };
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** Clients by policy: the server sends one policy to all its jobs, so this holds one or two. */
export class OutboundClients {
  private readonly clients = new Map<string, OutboundClient>();

  constructor(private readonly max = 8) {}

  for(network: NetworkPolicy = defaultNetworkPolicy): OutboundClient {
    const key = JSON.stringify([network.privateAddresses, network.allow, network.deny]);
    let client = this.clients.get(key);
    if (!client) {
      client = new OutboundClient(network);
      this.clients.set(key, client);
      if (this.clients.size > this.max) {
        // Not closed: a run may still be using it; its idle connections time out on their own.
        const oldest = this.clients.keys().next().value;
        if (oldest !== undefined) this.clients.delete(oldest);
      }
    }
    return client;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }
}

let fallback: OutboundClient | undefined;
/** The client of runs started without one (in-process callers, tests): the default, blocking policy. */
export const defaultOutboundClient = (): OutboundClient => (fallback ??= new OutboundClient(defaultNetworkPolicy));

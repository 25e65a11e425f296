import { noteInput, type InputRunner } from './context.ts';
import { hostileValue, mutateJson, nastyString, summarize, toJsonText } from './corpus.ts';
import { rawExchange } from './http-client.ts';
import type { Rand } from './rand.ts';
import { renderPath, ROUTES } from './rest-inputs.ts';

/**
 * Raw HTTP inputs from an anonymous visitor (now and then carrying a real
 * token): request lines, targets with bad %-escapes, odd methods and
 * versions, huge, duplicated and malformed headers, broken Content-Length
 * and chunked framing, upgrade requests to every path, written as bytes on a
 * TCP socket so nothing on our side tidies them up.
 *
 * Rules: a complete request gets a well-formed HTTP answer (a status line),
 * never a 5xx (webhook runs that fail excepted) and never silence; an
 * incomplete one gets an answer or a close once we stop sending.
 */

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'FOO',
  'get',
  'G ET',
  '',
];

const escapeJunk = (r: Rand): string =>
  r.pick(['%', '%f', '%ff', '%zz', '%00', '%2e%2e', '%2f', '%c0%af', '%e0%a4%a', '%u0041', '%25', '%%', '%F0%9F%98']);

/** Inserts junk %-escapes and bytes into a target. */
const mangleTarget = (r: Rand, target: string): string => {
  let out = target;
  for (let i = r.int(1, 3); i > 0; i--) {
    const at = r.int(0, out.length);
    const junk = r.weighted<() => string>([
      [5, () => escapeJunk(r)],
      [1, () => r.pick(['/..', '//', '/./', '\\', '#frag', '?', '?a=%ff&b', ';x', '@', ':'])],
      [1, () => String.fromCharCode(r.int(0x80, 0xff))],
      [1, () => r.pick([' ', '\t', '\u0000', '"', '<', '{'])],
    ])();
    out = out.slice(0, at) + junk + out.slice(at);
  }
  return out;
};

const target = (r: Rand, ctx: Parameters<InputRunner>[1]): string => {
  const base = r.weighted<() => string>([
    [6, () => renderPath(r, ctx, r.pick(ROUTES))],
    [1, () => `/sync/${ctx.pools.pick(r, 'workflow')}`],
    [1, () => r.pick(['/', '/w/x', '/login', '/sw.js', '/assets/index.js', '/favicon.ico', '/engine'])],
    [1, () => `/webhook/${r.pick(ctx.world.hookPaths)}`],
    [
      1,
      () =>
        r.pick([
          '*',
          `http://127.0.0.1:${ctx.world.port}/healthz`,
          'http://[::1/x',
          'http://evil.example/api/auth/me',
          '//',
          '',
          `/${'a'.repeat(r.int(1000, 20000))}`,
          '/api/' + 'x/'.repeat(2000),
        ]),
    ],
  ])();
  return r.chance(0.4) ? mangleTarget(r, base) : base;
};

interface Built {
  bytes: Buffer;
  /** What was sent is incomplete on purpose: silence until we stop sending is fine. */
  incomplete: boolean;
  /**
   * The answer may be lost on the way back: a server that refuses a request
   * before reading its body and closes (Node's parser on a malformed request
   * line; ws on a bad handshake) leaves the body unread, so the kernel resets
   * the connection and our copy of the answer is dropped with it. That takes
   * an upgrade request with a body (no client sends one) or a body larger
   * than the socket buffers.
   */
  answerOptional: boolean;
  path: string;
  method: string;
  summary: string;
}

const build = (r: Rand, ctx: Parameters<InputRunner>[1]): Built => {
  const { world } = ctx;
  const method = r.chance(0.8) ? r.pick(['GET', 'POST', 'PUT', 'DELETE']) : r.pick(METHODS);
  const path = target(r, ctx);
  const version = r.weighted([
    [20, 'HTTP/1.1'],
    [2, 'HTTP/1.0'],
    [1, r.pick(['HTTP/2.0', 'HTTP/1.2', 'HTTP/9.9', 'http/1.1', 'HTTP/1', 'HTTP/1.1 extra', ''])],
  ]);
  const eol = r.weighted([
    [18, '\r\n'],
    [1, '\n'],
    [1, '\r'],
  ]);
  const headers: string[] = [];
  const host = r.weighted([
    [30, `127.0.0.1:${world.port}`],
    [2, 'localhost'],
    [1, r.pick(['evil.example', '', '[', '127.0.0.1:99999', 'a'.repeat(300), '127.0.0.1\u0000.evil'])],
  ]);
  if (r.chance(0.97)) headers.push(`Host: ${host}`);
  if (r.chance(0.05)) headers.push(`Host: ${r.pick(['evil.example', host])}`);
  if (r.chance(0.2))
    headers.push(`Authorization: Bearer ${r.pick([world.editor.token, world.viewer.token, r.word()])}`);
  if (r.chance(0.1))
    headers.push(`Cookie: ${r.pick([world.stranger.cookie, 'weft_session=%ff', `a=${'b'.repeat(5000)}`])}`);
  if (r.chance(0.1))
    headers.push(`Origin: ${r.pick(['http://evil.example', 'null', '%ff', `http://127.0.0.1:${world.port}`])}`);
  if (r.chance(0.1)) headers.push(`X-Forwarded-For: ${r.pick(['1.2.3.4', '::1', 'garbage', '1.1.1.1, 2.2.2.2'])}`);
  if (r.chance(0.05)) headers.push(`X-Forwarded-Host: ${r.pick(['evil.example', 'localhost'])}`);
  const upgrade = r.chance(0.12);
  if (upgrade) {
    headers.push(`Upgrade: ${r.pick(['websocket', 'websocket', 'WebSocket', 'h2c', 'x'])}`);
    headers.push(`Connection: ${r.pick(['Upgrade', 'upgrade', 'keep-alive, Upgrade', 'close'])}`);
    if (r.chance(0.9)) headers.push(`Sec-WebSocket-Key: ${r.pick(['dGhlIHNhbXBsZSBub25jZQ==', 'x', '', '%%%'])}`);
    if (r.chance(0.9)) headers.push(`Sec-WebSocket-Version: ${r.pick(['13', '13', '8', 'x', ''])}`);
    if (r.chance(0.2)) headers.push(`Sec-WebSocket-Extensions: ${r.pick(['permessage-deflate', 'x; y=%ff'])}`);
    if (r.chance(0.2)) headers.push(`Sec-WebSocket-Protocol: ${r.pick(['a, b', ',,,', 'é'])}`);
  }
  // Header abuse: huge, many, folded, bad names, bad bytes.
  if (r.chance(0.05)) headers.push(`X-Big: ${'b'.repeat(r.pick([8_000, 17_000, 70_000]))}`);
  if (r.chance(0.03)) for (let i = r.int(100, 3000); i > 0; i--) headers.push(`X-${i}: ${i}`);
  if (r.chance(0.03)) headers.push(`X-Folded: a${eol} b`);
  if (r.chance(0.03))
    headers.push(r.pick(['Bad Name: x', ': empty', 'X-Nul: a\u0000b', 'X-Bin: \u00ff\u00fe', 'NoColon']));
  if (r.chance(0.03)) headers.push(`Content-Type: ${r.pick(['application/json', 'text/plain', '%ff', ''])}`);

  let body = '';
  let incomplete = false;
  if (method !== 'GET' && method !== 'HEAD' ? r.chance(0.7) : r.chance(0.05)) {
    body = r.chance(0.7)
      ? toJsonText(r.chance(0.5) ? hostileValue(r) : mutateJson(r, { a: 1, b: [1, 2] }))
      : nastyString(r);
    if (!headers.some((h) => h.startsWith('Content-Type'))) headers.push('Content-Type: application/json');
  }
  const bodyBytes = Buffer.from(body, 'utf8');
  const framing = r.weighted([
    [10, 'length'],
    [2, 'chunked'],
    [1, 'badChunked'],
    [1, 'longer'],
    [1, 'shorter'],
    [1, 'both'],
    [1, 'dupLength'],
    [1, 'expect'],
    [bodyBytes.length === 0 ? 6 : 0, 'none'],
  ]);
  let payload: Buffer = bodyBytes;
  switch (framing) {
    case 'length':
      headers.push(`Content-Length: ${bodyBytes.length}`);
      break;
    case 'expect':
      headers.push('Expect: 100-continue', `Content-Length: ${bodyBytes.length}`);
      break;
    case 'chunked':
    case 'badChunked': {
      headers.push(
        `Transfer-Encoding: ${r.pick(['chunked', 'chunked', 'gzip, chunked', 'Chunked', 'chunked, identity'])}`,
      );
      const chunks: string[] = [];
      for (let at = 0; at < bodyBytes.length; at += 1000) {
        const part = bodyBytes.subarray(at, at + 1000);
        chunks.push(`${part.length.toString(16)}\r\n${part.toString('latin1')}\r\n`);
      }
      let text = `${chunks.join('')}0\r\n\r\n`;
      if (framing === 'badChunked') {
        text = r.pick([
          `zz\r\n${text}`,
          `-1\r\n${text}`,
          `ffffffffffffffff\r\nabc\r\n`,
          `5\r\nabc\r\n0\r\n\r\n`,
          `3;ext="${'x'.repeat(9000)}"\r\nabc\r\n0\r\n\r\n`,
          text.replace(/\r\n0\r\n\r\n$/, ''),
          `0\r\nTrailer: ${'x'.repeat(20000)}\r\n\r\n`,
        ]);
        incomplete = true;
      }
      payload = Buffer.from(text, 'latin1');
      break;
    }
    case 'longer':
      headers.push(`Content-Length: ${bodyBytes.length + r.int(1, 1000)}`);
      incomplete = true;
      break;
    case 'shorter':
      headers.push(`Content-Length: ${Math.max(0, bodyBytes.length - r.int(1, 20))}`);
      break;
    case 'both':
      headers.push(`Content-Length: ${bodyBytes.length}`, 'Transfer-Encoding: chunked');
      incomplete = true;
      break;
    case 'dupLength':
      headers.push(`Content-Length: ${bodyBytes.length}`, `Content-Length: ${bodyBytes.length + 1}`);
      incomplete = true;
      break;
    default:
      if (r.chance(0.2)) headers.push(`Content-Length: ${r.pick(['-1', 'abc', '1e3', '99999999999999999999', ' 0'])}`);
  }
  // A request cut off somewhere: in the request line, the headers, or the body.
  const head = `${method} ${path}${version ? ` ${version}` : ''}${eol}${headers.join(eol)}${eol}${eol}`;
  let bytes = Buffer.concat([Buffer.from(head, 'latin1'), payload]);
  if (r.chance(0.05)) {
    bytes = bytes.subarray(0, r.int(0, bytes.length - 1));
    incomplete = true;
  }
  if (r.chance(0.03)) {
    bytes = Buffer.from(r.bytes(r.size(2000)));
    incomplete = true;
  }
  if (eol !== '\r\n' || version === '') incomplete = true;
  return {
    bytes,
    incomplete,
    answerOptional: (upgrade && payload.length > 0) || payload.length > 64 * 1024,
    path,
    method,
    summary: summarize(bytes.toString('latin1'), 400),
  };
};

const isWebhook = (path: string): boolean => /^\/webhook(-test)?\//.test(path);

export const httpInput: InputRunner = async (r, ctx) => {
  const built = build(r, ctx);
  const input = noteInput(ctx, 'http', built.summary);
  const answer = await rawExchange(ctx.world.port, built.bytes, {
    // Webhook calls wait for their run (at most 120 s); nothing else takes long.
    timeoutMs: isWebhook(built.path) ? 150_000 : 20_000,
    halfClose: built.incomplete,
    nudgeAfterMs: isWebhook(built.path) ? 140_000 : 5_000,
  });
  const final = answer.statuses.find((s) => s >= 200 || s === 101);
  if (answer.garbage !== undefined) {
    ctx.record.find('answers are well-formed HTTP', `first line ${JSON.stringify(answer.garbage)}`, input);
    return;
  }
  if (final !== undefined) {
    ctx.record.status('http', final);
    if (final >= 500) {
      ctx.record.serverError(`${final} raw ${built.method} ${built.path.split('?')[0]?.slice(0, 60) ?? ''}`);
      if (!isWebhook(built.path))
        ctx.record.find('no 5xx for what a request carries', `${final} on raw request`, input);
    }
    return;
  }
  if (built.incomplete || built.answerOptional || built.method === 'CONNECT') return;
  if (answer.timedOut) ctx.record.find('every request is answered', 'no answer and no close', input);
  else if (!answer.nudged) ctx.record.find('every request is answered', 'closed without an answer', input);
};

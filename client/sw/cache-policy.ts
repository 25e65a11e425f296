import { isAppRoute } from '../src/app-routes.ts';

/**
 * What the service worker does with a request, and which answers it may keep.
 * The rule: it keeps only the app's own files (index.html for the client's
 * routes, the build's assets) and the few start-up API reads an offline start
 * needs. Everything else on the origin belongs to the server — `/healthz`,
 * `/sync/*`, `/engine`, `/webhook/*`, `/webhook-test/*`, other API paths — and
 * goes to the network untouched: never stored, never answered from the cache.
 * A webhook's answer is the workflow author's content; stored as the app's
 * HTML it would replace the offline app on every later offline start.
 */

/** GET endpoints whose last answer is kept for offline starts (who am I, my workflows, one workflow, my stars). */
const START_UP_API = [
  /^\/api\/auth\/me$/,
  /^\/api\/workflows$/,
  /^\/api\/workflows\/[A-Za-z0-9_-]+$/,
  /^\/api\/me\/favourites$/,
];

const isStartUpApi = (pathname: string): boolean => START_UP_API.some((re) => re.test(pathname));

export type Handling =
  /** A page load of a client route: network first, the kept index.html when offline. */
  | { kind: 'shell' }
  /** A hashed build file: from the cache (installed with the build), else the network, never stored on the way. */
  | { kind: 'asset' }
  /** A start-up API read: network first, its last answer when offline. */
  | { kind: 'api'; key: string }
  /** Not the app's: the browser talks to the server as if there were no service worker. */
  | { kind: 'pass' };

export interface RequestFacts {
  method: string;
  mode: string;
  url: string;
}

export const handlingOf = (request: RequestFacts, origin: string): Handling => {
  if (request.method !== 'GET') return { kind: 'pass' };
  const url = new URL(request.url);
  if (url.origin !== origin) return { kind: 'pass' };
  if (request.mode === 'navigate') return isAppRoute(url.pathname) ? { kind: 'shell' } : { kind: 'pass' };
  if (url.pathname.startsWith('/assets/')) return { kind: 'asset' };
  if (isStartUpApi(url.pathname)) return { kind: 'api', key: url.pathname };
  return { kind: 'pass' };
};

export interface ResponseFacts {
  ok: boolean;
  redirected: boolean;
  type: ResponseType;
  /** The final URL (after redirects); empty for answers made in the worker. */
  url: string;
  contentType: string | null;
}

export const responseFacts = (response: Response): ResponseFacts => ({
  ok: response.ok,
  redirected: response.redirected,
  type: response.type,
  url: response.url,
  contentType: response.headers.get('content-type'),
});

/** A same-origin, successful, unredirected answer of the given media type. */
const plainAnswer = (r: ResponseFacts, origin: string, mediaType: string): boolean =>
  r.ok &&
  !r.redirected &&
  r.type === 'basic' &&
  r.url !== '' &&
  new URL(r.url).origin === origin &&
  (r.contentType ?? '').split(';')[0]?.trim().toLowerCase() === mediaType;

/** May this answer to a page load be kept as the app's HTML? Only the server's index.html for a client route. */
export const isStorableShell = (r: ResponseFacts, origin: string): boolean =>
  plainAnswer(r, origin, 'text/html') && isAppRoute(new URL(r.url).pathname);

/** May this answer be kept as a start-up API read? Only JSON from that same endpoint. */
export const isStorableApi = (r: ResponseFacts, origin: string): boolean =>
  plainAnswer(r, origin, 'application/json') && isStartUpApi(new URL(r.url).pathname);

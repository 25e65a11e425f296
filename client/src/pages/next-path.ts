import { isAppRoute } from '../app-routes.ts';

/** Any origin will do: the check is that a path stays on whichever origin it is resolved against. */
const probe = 'https://weft.invalid';

/**
 * The `next` an auth page may return to, or undefined. Only a path of this
 * app counts: it starts with exactly one `/` (`//host` and `/\host` are other
 * origins to a browser), carries no scheme, backslash or control character,
 * and names one of the app's own routes, so `?next=` can never send someone
 * who just signed in to another site or to a raw server endpoint.
 */
export const safeNextPath = (raw: string | null | undefined): string | undefined => {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\\\u0000-\u001f\u007f\s]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw, probe);
  } catch {
    return undefined;
  }
  if (url.origin !== probe || !isAppRoute(url.pathname)) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
};

/** `/login?next=…` or `/signup?next=…` that comes back to `path`. */
export const authPathWithNext = (mode: 'login' | 'signup', path: string): string =>
  `/${mode}?${new URLSearchParams({ next: path }).toString()}`;

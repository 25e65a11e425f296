import { describe, expect, it } from 'vitest';
import { handlingOf, isStorableApi, isStorableShell, type ResponseFacts } from './cache-policy.ts';

const origin = 'http://127.0.0.1:8787';
const navigate = (path: string) => ({ method: 'GET', mode: 'navigate', url: `${origin}${path}` });
const fetchOf = (path: string, method = 'GET') => ({ method, mode: 'cors', url: `${origin}${path}` });

const answer = (path: string, contentType: string, over: Partial<ResponseFacts> = {}): ResponseFacts => ({
  ok: true,
  redirected: false,
  type: 'basic',
  url: `${origin}${path}`,
  contentType,
  ...over,
});

describe('service worker: what it handles', () => {
  it('page loads of client routes are the shell', () => {
    for (const path of ['/', '/w/abc', '/w/abc?x=1', '/signup', '/login']) {
      expect(handlingOf(navigate(path), origin), path).toEqual({ kind: 'shell' });
    }
  });

  it('page loads of server paths pass to the network untouched', () => {
    for (const path of ['/healthz', '/webhook/orders', '/webhook-test/orders', '/api/auth/me', '/sync/x', '/engine']) {
      expect(handlingOf(navigate(path), origin), path).toEqual({ kind: 'pass' });
    }
  });

  it('webhooks, other API calls, writes and other origins are never handled', () => {
    for (const request of [
      fetchOf('/webhook/orders'),
      fetchOf('/webhook-test/orders'),
      fetchOf('/healthz'),
      fetchOf('/api/executions'),
      fetchOf('/api/workflows/abc/members'),
      fetchOf('/api/auth/me', 'POST'),
      { method: 'GET', mode: 'cors', url: 'https://example.com/api/auth/me' },
      { method: 'GET', mode: 'navigate', url: 'https://example.com/' },
    ]) {
      expect(handlingOf(request, origin), request.url).toEqual({ kind: 'pass' });
    }
  });

  it('build files and the start-up reads are handled', () => {
    expect(handlingOf(fetchOf('/assets/index-abc.js'), origin)).toEqual({ kind: 'asset' });
    expect(handlingOf(fetchOf('/api/workflows/abc'), origin)).toEqual({ kind: 'api', key: '/api/workflows/abc' });
    expect(handlingOf(fetchOf('/api/auth/me?x=1'), origin)).toEqual({ kind: 'api', key: '/api/auth/me' });
  });
});

describe('service worker: what it keeps', () => {
  it('keeps index.html answered for a client route', () => {
    expect(isStorableShell(answer('/w/abc', 'text/html; charset=UTF-8'), origin)).toBe(true);
    expect(isStorableShell(answer('/', 'text/html'), origin)).toBe(true);
  });

  it('never keeps as the shell what is not the app’s HTML', () => {
    const refused: ResponseFacts[] = [
      answer('/healthz', 'application/json'),
      answer('/w/abc', 'application/json'),
      answer('/webhook/orders', 'text/html'),
      answer('/webhook-test/orders', 'text/html'),
      answer('/w/abc', 'text/html', { redirected: true }),
      answer('/w/abc', 'text/html', { ok: false }),
      answer('/w/abc', 'text/html', { type: 'opaqueredirect' }),
      answer('/w/abc', 'text/html', { url: '' }),
      answer('/w/abc', 'text/html', { url: 'https://example.com/w/abc' }),
      answer('/w/abc', 'text/htmlx'),
      answer('/w/abc', 'text/html', { contentType: null }),
    ];
    for (const r of refused) expect(isStorableShell(r, origin), JSON.stringify(r)).toBe(false);
  });

  it('keeps start-up reads only as JSON from that endpoint', () => {
    expect(isStorableApi(answer('/api/auth/me', 'application/json'), origin)).toBe(true);
    expect(isStorableApi(answer('/api/auth/me', 'text/html'), origin)).toBe(false);
    expect(isStorableApi(answer('/webhook/me', 'application/json'), origin)).toBe(false);
    expect(isStorableApi(answer('/api/auth/me', 'application/json', { redirected: true }), origin)).toBe(false);
    expect(isStorableApi(answer('/api/auth/me', 'application/json', { ok: false }), origin)).toBe(false);
  });
});

/**
 * Weft's service worker: keeps the app shell so a reload while offline opens
 * the editor, and the last answers of the few GET endpoints the app needs to
 * start (who am I, my workflows, one workflow, my palette stars). Workflow
 * documents themselves are kept by y-indexeddb, not here.
 *
 * Strategies: page loads and API reads go to the network first and fall back
 * to the cache; hashed assets come from the cache first (they never change).
 */
const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL = 'weft-shell';
const API = 'weft-api';

/** GET endpoints whose last answer is kept for offline starts. */
const CACHED_API = [
  /^\/api\/auth\/me$/,
  /^\/api\/workflows$/,
  /^\/api\/workflows\/[A-Za-z0-9_-]+$/,
  /^\/api\/me\/favourites$/,
];

interface ManifestChunk {
  file: string;
  css?: string[];
  assets?: string[];
}

/** The shell: index.html and every file of the build (vite's manifest lists lazy chunks too). */
const shellUrls = async (): Promise<{ index: Response; assets: string[] }> => {
  const index = await fetch('/', { cache: 'no-cache' });
  if (!index.ok) throw new Error(`index.html: ${index.status}`);
  const manifest = await fetch('/asset-manifest.json', { cache: 'no-cache' });
  if (!manifest.ok) throw new Error(`asset-manifest.json: ${manifest.status}`);
  const chunks = Object.values((await manifest.json()) as Record<string, ManifestChunk>);
  const files = new Set<string>();
  for (const chunk of chunks) {
    // The worker itself is in the manifest too; it is not part of the shell.
    if (chunk.file !== 'sw.js') files.add(`/${chunk.file}`);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(`/${f}`);
  }
  return { index, assets: [...files] };
};

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const { index, assets } = await shellUrls();
      await cache.addAll(assets);
      await cache.put('/', index);
      // Forget the assets of earlier builds.
      const keep = new Set(['/', ...assets].map((p) => new URL(p, sw.location.origin).href));
      for (const request of await cache.keys()) if (!keep.has(request.url)) await cache.delete(request);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(sw.clients.claim());
});

sw.addEventListener('message', (event) => {
  // Signing out forgets what this person's API answers said.
  if ((event.data as { type?: unknown } | null)?.type === 'signed-out') event.waitUntil(caches.delete(API));
});

const offlineError = (): Response =>
  new Response(
    JSON.stringify({ error: { code: 'offline', message: 'You are offline and this is not on this device' } }),
    {
      status: 503,
      headers: { 'content-type': 'application/json' },
    },
  );

const networkFirst = async (request: Request, cacheName: string, key: string): Promise<Response> => {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(key, response.clone());
    }
    return response;
  } catch {
    const cached = await (await caches.open(cacheName)).match(key);
    return cached ?? offlineError();
  }
};

const cacheFirst = async (request: Request): Promise<Response> => {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
};

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.mode === 'navigate') {
    // Every client route (/, /w/<id>, /login) is the same index.html.
    event.respondWith(networkFirst(request, SHELL, '/'));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (CACHED_API.some((re) => re.test(url.pathname))) {
    event.respondWith(networkFirst(request, API, url.pathname));
  }
});

export {};

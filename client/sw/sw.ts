import { handlingOf, isStorableApi, isStorableShell, responseFacts } from './cache-policy.ts';

/**
 * Weft's service worker: keeps the app shell so a reload while offline opens
 * the editor, and the last answers of the few GET endpoints the app needs to
 * start (who am I, my workflows, one workflow, my palette stars). Workflow
 * documents themselves are kept by y-indexeddb, not here. What it handles and
 * what it may keep is decided in cache-policy.ts: only the app's own files and
 * those reads, never a server path such as `/healthz` or a webhook.
 *
 * Strategies: page loads and API reads go to the network first and fall back
 * to the cache; hashed assets come from the cache first (they never change).
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const origin = sw.location.origin;

const SHELL = 'weft-shell';
const API = 'weft-api';

interface ManifestChunk {
  file: string;
  css?: string[];
  assets?: string[];
}

/** The shell: index.html and every file of the build (vite's manifest lists lazy chunks too). */
const shellUrls = async (): Promise<{ index: Response; assets: string[] }> => {
  const index = await fetch('/', { cache: 'no-cache' });
  if (!isStorableShell(responseFacts(index), origin)) throw new Error(`index.html: ${index.status}`);
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
      const keep = new Set(['/', ...assets].map((p) => new URL(p, origin).href));
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

/**
 * The network's answer, kept under `key` when `storable` says it is what the
 * key stands for; the kept answer when the network cannot be reached.
 */
const networkFirst = async (
  request: Request,
  cacheName: string,
  key: string,
  storable: (response: Response) => boolean,
): Promise<Response> => {
  let response: Response;
  try {
    response = await fetch(request);
  } catch {
    const cached = await (await caches.open(cacheName)).match(key);
    return cached ?? offlineError();
  }
  if (storable(response)) {
    // A full disk (or a cache the browser evicted) must not cost the page its answer.
    const copy = response.clone();
    await caches
      .open(cacheName)
      .then((cache) => cache.put(key, copy))
      .catch(() => undefined);
  }
  return response;
};

/** Build files come from the install's copy; one missing there is fetched but not stored (it is not in the build). */
const cacheFirst = async (request: Request): Promise<Response> => {
  const cached = await (await caches.open(SHELL)).match(request);
  return cached ?? fetch(request);
};

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const handling = handlingOf(request, origin);
  switch (handling.kind) {
    case 'shell':
      // Every client route is the same index.html.
      event.respondWith(networkFirst(request, SHELL, '/', (r) => isStorableShell(responseFacts(r), origin)));
      break;
    case 'asset':
      event.respondWith(cacheFirst(request));
      break;
    case 'api':
      event.respondWith(networkFirst(request, API, handling.key, (r) => isStorableApi(responseFacts(r), origin)));
      break;
    case 'pass':
      break;
  }
});

export {};

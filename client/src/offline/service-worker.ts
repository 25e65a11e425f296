import { localDbName } from '../doc/session.ts';

/** Registers the app-shell service worker (built apps only; the dev server has no /sw.js). */
export const registerServiceWorker = (): void => {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // Without it (a browser that refuses it), Weft still works, only not from a reload while offline.
  navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' }).catch(() => undefined);
};

/**
 * On sign-out, forget what this device kept for the person: cached API answers
 * and the local copies of workflows (a shared computer must not keep them).
 */
export const forgetLocalData = async (): Promise<void> => {
  if ('serviceWorker' in navigator) navigator.serviceWorker.controller?.postMessage({ type: 'signed-out' });
  const prefix = localDbName('');
  const databases = await indexedDB.databases();
  await Promise.all(
    databases
      .filter((d) => d.name?.startsWith(prefix))
      .map(
        (d) =>
          new Promise<void>((resolve) => {
            const request = indexedDB.deleteDatabase(d.name as string);
            request.onsuccess = request.onerror = request.onblocked = () => resolve();
          }),
      ),
  );
};

/**
 * Refreshes what the service worker keeps for an offline start: the workflow
 * list changes while someone works in the editor (they created or were given
 * a workflow), and the list page may not be visited again before going offline.
 */
export const refreshOfflineCopies = (): void => {
  if (!navigator.onLine) return;
  for (const path of ['/api/workflows', '/api/auth/me', '/api/me/favourites']) {
    // Best effort: the answer only matters to the cache the service worker fills.
    fetch(path, { credentials: 'same-origin' }).catch(() => undefined);
  }
};

import { isDynamicPath, pathsOverlap } from './webhook-paths.ts';

/** A webhook path a workflow wants, and what another workflow already holds that it collides with. */
export interface RouteConflict {
  method: string;
  /** The path another workflow holds. */
  taken: string;
  /** The path asked for (differs from `taken` only when both are dynamic). */
  requested: string;
}

/**
 * The first of `wanted` that one request could reach through `held` too: the
 * same static path, or two dynamic paths of one method that overlap (the
 * winner would be arbitrary). A static path never collides with a dynamic
 * one: static paths are looked up first. Run inside the write's transaction
 * by the stores, so checking and taking are one step on every instance.
 */
export const routeConflict = (
  held: readonly { method: string; path: string }[],
  wanted: readonly { method: string; path: string }[],
): RouteConflict | undefined => {
  const heldStatic = new Set(held.filter((r) => !isDynamicPath(r.path)).map((r) => `${r.method} ${r.path}`));
  const heldDynamic = held.filter((r) => isDynamicPath(r.path)).map((r) => ({ ...r, pattern: r.path.split('/') }));
  for (const { method, path } of wanted) {
    if (!isDynamicPath(path)) {
      if (heldStatic.has(`${method} ${path}`)) return { method, taken: path, requested: path };
      continue;
    }
    const pattern = path.split('/');
    const taken = heldDynamic.find((r) => r.method === method && pathsOverlap(r.pattern, pattern));
    if (taken) return { method, taken: taken.path, requested: path };
  }
  return undefined;
};

/** One row per method and path (the primary key): when a workflow names a path twice, its last node has it. */
export const distinctRoutes = <T extends { method: string; path: string }>(routes: readonly T[]): T[] => [
  ...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values(),
];

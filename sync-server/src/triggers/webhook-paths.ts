import type { DefinitionNode } from '#shared/schema/definition.ts';
import { normalizePath } from './webhook-nodes.ts';

/**
 * n8n's path parameters: a Webhook path with `:name` segments
 * (`users/:id`) is dynamic and matches any single non-empty segment there,
 * which the item's `params` then holds. n8n serves such a path only under the
 * node's webhook id (`/webhook/<webhookId>/users/:id`); Weft answers there
 * too when an imported node carries that id, and at `/webhook/users/:id`.
 * Static paths are one map lookup; the few dynamic ones are tried after it.
 */

export const isDynamicPath = (path: string): boolean => path.split('/').some((s) => s.startsWith(':'));

/** The paths a Webhook node answers on: its own, and for a dynamic one n8n's `<webhookId>/<path>`. */
export const nodePaths = (node: DefinitionNode): string[] => {
  const path = normalizePath(node.parameters.path);
  if (!path) return [];
  const id = normalizePath(node.parameters.webhookId);
  return isDynamicPath(path) && id && !id.includes('/') ? [path, `${id}/${path}`] : [path];
};

/** Matches request segments (already decoded) against a dynamic path; the params, or undefined. */
export const matchPath = (
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined => {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) return undefined;
  }
  return params;
};

/** Whether one request could match both dynamic paths (same length, every static pair equal). */
export const pathsOverlap = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length &&
  a.every((part, i) => part.startsWith(':') || b[i]?.startsWith(':') === true || part === b[i]);

export interface DynamicRoute<T> {
  path: string;
  pattern: string[];
  target: T;
}

/** The first of one method's dynamic routes matching the request's segments, with its params. */
export const findDynamic = <T>(
  routes: readonly DynamicRoute<T>[],
  segments: readonly string[],
): { route: DynamicRoute<T>; params: Record<string, string> } | undefined => {
  for (const route of routes) {
    const params = matchPath(route.pattern, segments);
    if (params) return { route, params };
  }
  return undefined;
};

/**
 * The node of `nodes` answering a request, static paths first, with the
 * params its path took (the test webhook reads the document as it is now).
 */
export const matchNodes = (
  nodes: readonly DefinitionNode[],
  path: string,
  segments: readonly string[],
): { node: DefinitionNode; params: Record<string, string> } | undefined => {
  const all = nodes.flatMap((node) => nodePaths(node).map((p) => ({ node, p })));
  const exact = all.find(({ p }) => !isDynamicPath(p) && p === path);
  if (exact) return { node: exact.node, params: {} };
  for (const { node, p } of all) {
    if (!isDynamicPath(p)) continue;
    const params = matchPath(p.split('/'), segments);
    if (params) return { node, params };
  }
  return undefined;
};

import { describe, expect, it } from 'vitest';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { isDynamicPath, matchNodes, matchPath, nodePaths, pathsOverlap } from './webhook-paths.ts';

const node = (id: string, parameters: Record<string, unknown>): DefinitionNode => ({
  id,
  name: id,
  type: 'webhook',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  parameters,
});

describe("n8n's path parameters", () => {
  it('a ":name" segment takes any one non-empty segment', () => {
    expect(isDynamicPath('users/:id')).toBe(true);
    expect(isDynamicPath('users/id:1')).toBe(false);
    expect(matchPath(['users', ':id'], ['users', '1'])).toEqual({ id: '1' });
    expect(matchPath(['users', ':id'], ['users', ''])).toBeUndefined();
    expect(matchPath(['users', ':id'], ['users', '1', '2'])).toBeUndefined();
    expect(matchPath(['users', ':id'], ['Users', '1'])).toBeUndefined();
  });

  it("answers also under the node's n8n webhook id, when it is one plain segment", () => {
    expect(nodePaths(node('a', { path: '/users/:id/', webhookId: 'w1' }))).toEqual(['users/:id', 'w1/users/:id']);
    expect(nodePaths(node('a', { path: 'users', webhookId: 'w1' }))).toEqual(['users']);
    expect(nodePaths(node('a', { path: ':id', webhookId: 'a/b' }))).toEqual([':id']);
  });

  it('overlap: same length, every static pair equal', () => {
    expect(pathsOverlap(['users', ':id'], ['users', ':name'])).toBe(true);
    expect(pathsOverlap([':org', 'items'], ['acme', ':x'])).toBe(true);
    expect(pathsOverlap(['users', ':id'], ['teams', ':id'])).toBe(false);
    expect(pathsOverlap(['users', ':id'], ['users', ':id', 'x'])).toBe(false);
  });

  it('a static path of the document wins over a dynamic one listed before it', () => {
    const nodes = [node('dyn', { path: 'users/:id' }), node('me', { path: 'users/me' })];
    expect(matchNodes(nodes, 'users/me', ['users', 'me'])?.node.id).toBe('me');
    expect(matchNodes(nodes, 'users/7', ['users', '7'])).toMatchObject({ node: { id: 'dyn' }, params: { id: '7' } });
  });
});

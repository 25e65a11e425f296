import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { VersionStore } from '../../src/executions/version-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

export const definition = (name: string, nodeName = 'Start'): WorkflowDefinition => ({
  weft: 1,
  name,
  settings: { timeoutSeconds: 30 },
  nodes: [
    { id: 'start', name: nodeName, type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
  ],
  edges: [],
});

/** The VersionStore contract: versions are content-addressed and never change once stored. */
type Fixture = ContractSeeds & { store: VersionStore; teardown: () => Promise<void> };

export const runVersionStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`VersionStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedWorkflow('wf1');
          await f.seedWorkflow('wf2');
          await fn(f);
        } finally {
          await f.teardown();
        }
      };

    it(
      'get returns what was saved; an unknown hash is undefined',
      withStore(async ({ store }) => {
        const hash = await store.save('wf1', new Uint8Array([1, 2, 3]), definition('One'), 'ann', 1_000);
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.get(hash)).toEqual({
          hash,
          workflowId: 'wf1',
          definition: definition('One'),
          authorId: 'ann',
          createdAt: 1_000,
        });
        expect(await store.get('0'.repeat(64))).toBeUndefined();
      }),
    );

    it(
      'saving the same definition of the same workflow again answers the same hash and keeps the first version',
      withStore(async ({ store }) => {
        const first = await store.save('wf1', new Uint8Array([1]), definition('One'), 'ann', 1_000);
        const again = await store.save('wf1', new Uint8Array([9]), definition('One'), 'bob', 2_000);
        expect(again).toBe(first);
        expect(await store.get(first)).toMatchObject({ authorId: 'ann', createdAt: 1_000 });
      }),
    );

    it(
      'a different definition, or the same one in another workflow, is another version',
      withStore(async ({ store }) => {
        const one = await store.save('wf1', new Uint8Array(), definition('One'), null, 1);
        const renamed = await store.save('wf1', new Uint8Array(), definition('One', 'Begin'), null, 2);
        const elsewhere = await store.save('wf2', new Uint8Array(), definition('One'), null, 3);
        expect(new Set([one, renamed, elsewhere]).size).toBe(3);
        expect((await store.get(renamed))?.definition.nodes[0]?.name).toBe('Begin');
        expect((await store.get(elsewhere))?.workflowId).toBe('wf2');
        expect((await store.get(one))?.authorId).toBeNull();
      }),
    );

    it(
      'refuses a version of a workflow that does not exist',
      withStore(async ({ store }) => {
        await expect(store.save('nope', new Uint8Array(), definition('One'), null, 1)).rejects.toThrow();
      }),
    );
  });
};

import { describe, expect, it } from 'vitest';
import { nodeDefinitions } from '#shared/nodes/catalog.ts';
import { executors } from '../src/nodes/registry.ts';

describe('the executor registry', () => {
  it('has an executor for every node type of the catalog that runs, and none for a type the catalog lacks', () => {
    // A catalog node without an executor would be placeable in the editor and fail only when run.
    const runnable = nodeDefinitions.filter((d) => d.annotation !== true).map((d) => d.type);
    expect(runnable.filter((type) => !executors.has(type))).toEqual([]);
    const known = new Set(nodeDefinitions.map((d) => d.type));
    expect([...executors.keys()].filter((type) => !known.has(type))).toEqual([]);
  });

  it('has no executor for annotations (sticky notes never run)', () => {
    const annotations = nodeDefinitions.filter((d) => d.annotation === true).map((d) => d.type);
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.filter((type) => executors.has(type))).toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { origins } from '#shared/origins.ts';
import { toExchange } from '#shared/schema/exchange.ts';
import { pinNode, readPins } from '#shared/schema/pins.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { describeChange, diffDefinitions } from '#shared/schema/diff/diff.ts';
import { readWorkflowFolder, renderWorkflow, WORKFLOW_FILE } from '../src/git/folder-format.ts';
import { changeUpdate } from '../src/git/push.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { sampleDoc } from './git-fixtures.ts';

/**
 * Pinned data in git folders (docs/plans/n8n-daily.md §2.1): pull writes the
 * pins into workflow.json, and push diffs them per node like any other field,
 * so a pin an editor set meanwhile on another node stays.
 */

const clone = (doc: Y.Doc): Y.Doc => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
};

const dirs: (() => void)[] = [];
afterEach(() => {
  for (const done of dirs.splice(0)) done();
});

describe('pins in git folders', () => {
  it('workflow.json carries the pins, and reads back into the same definition', async () => {
    const doc = sampleDoc();
    pinNode(doc, 'fetch', [{ id: 1 }, { id: 2 }], { by: 'ana', source: 'typed', at: 1 });
    const definition = toExchange(doc);
    const files = renderWorkflow('wf1', definition);
    expect(JSON.parse(files.get(WORKFLOW_FILE) ?? '{}')).toMatchObject({ pins: { fetch: [{ id: 1 }, { id: 2 }] } });
    const { path, remove } = tempDir('weft-pins-');
    dirs.push(remove);
    const folder = join(path, 'order-sync');
    mkdirSync(folder);
    for (const [name, content] of files) writeFileSync(join(folder, name), content);
    const parsed = await readWorkflowFolder(folder, 'order-sync');
    expect(parsed.definition.pins).toEqual({ fetch: [{ id: 1 }, { id: 2 }] });
    expect(diffDefinitions(definition, parsed.definition)).toEqual([]);
  });

  it("push replaces and removes the file's pins, and keeps a pin an editor set meanwhile", () => {
    const server = sampleDoc();
    pinNode(server, 'fetch', [{ id: 1 }], { by: 'ana', source: 'typed', at: 1 });
    pinNode(server, 'shape', [{ s: 1 }], { by: 'ana', source: 'typed', at: 1 });
    const base = clone(server);
    const file: WorkflowDefinition = structuredClone(toExchange(base));
    file.pins = { fetch: [{ id: 9 }] };
    // Meanwhile, in the editor: Start pinned, a node the file did not touch.
    pinNode(server, 'start', [{ editor: true }], { by: 'bob', source: 'typed', at: 2 });
    const changes = diffDefinitions(toExchange(base), file);
    expect(changes.map(describeChange)).toEqual(['node "Fetch orders": pin 1 item', 'node "Shape": unpin']);
    const update = changeUpdate(base, changes);
    if (update) Y.applyUpdate(server, update, origins.cli);
    const pins = readPins(server);
    expect(Object.fromEntries(Object.entries(pins).map(([id, p]) => [id, p.items]))).toEqual({
      fetch: [{ id: 9 }],
      start: [{ editor: true }],
    });
    expect(pins.fetch?.source).toBe('import');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromN8n, pinsToN8n } from '../../src/interop/n8n/index.ts';
import { fromDefinition } from '../../src/schema/from-definition.ts';
import { pinItemsOf, readPins } from '../../src/schema/pins.ts';
import { toDefinition } from '../../src/schema/to-definition.ts';

/**
 * n8n's pinData through import and export (docs/plans/n8n-daily.md §2.1),
 * against every real n8n file of the corpus that has it (shared/test/fixtures/n8n,
 * a copy of the handbook's interop/n8n): each pin arrives on the node of its
 * name, as the json of its items, and goes back out as n8n wrote it.
 */

const dir = fileURLToPath(new URL('../fixtures/n8n', import.meta.url));

interface N8nFile {
  nodes: { name: string }[];
  pinData?: Record<string, unknown[]>;
}

const withPins = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as N8nFile }))
  .filter(({ data }) => data.pinData !== undefined);

/** n8n's pinData as Weft's export writes it: non-empty entries, each item `{ json }` (pins keep no pairedItem). */
const normalized = (pinData: Record<string, unknown[]>) =>
  Object.fromEntries(
    Object.entries(pinData)
      .filter(([, items]) => items.length > 0)
      .map(([name, items]) => [
        name,
        items.map((item) =>
          typeof item === 'object' && item !== null && 'json' in item ? { json: item.json } : { json: item },
        ),
      ]),
  );

describe('n8n pinData', () => {
  it('the corpus has the 20 files with pinData, one of them with bare items', () => {
    expect(withPins).toHaveLength(20);
    expect(withPins.filter(({ data }) => Object.keys(data.pinData ?? {}).length > 0).length).toBeGreaterThan(10);
  });

  for (const { file, data } of withPins) {
    it(`${file}: every pin arrives on its node, and n8n export writes the same pinData`, () => {
      const { definition, warnings } = fromN8n(data);
      expect(warnings.filter((w) => w.path[0] === 'pinData')).toEqual([]);
      const { doc } = fromDefinition(definition, { pinnedBy: 'importer', now: 1 });
      const def = toDefinition(doc);
      const pins = readPins(doc);
      const expected = normalized(data.pinData ?? {});
      const byName = new Map(def.nodes.map((n) => [n.name, n.id]));
      for (const [name, items] of Object.entries(expected)) {
        const id = byName.get(name);
        expect(id, `a node named ${name}`).toBeDefined();
        expect(pins[id ?? '']).toEqual({
          items: items.map((i) => i.json),
          by: 'importer',
          at: 1,
          source: 'import',
        });
      }
      expect(Object.keys(pins)).toHaveLength(Object.keys(expected).length);
      expect(pinsToN8n(def.nodes, pinItemsOf(pins))).toEqual(expected);
    });
  }

  it('manual-partial-execution.json: the Webhook is pinned with its bare item (a file from before `{ json }`)', () => {
    const found = withPins.find((f) => f.file === 'manual-partial-execution.json');
    const { doc } = fromDefinition(fromN8n(found?.data).definition);
    const def = toDefinition(doc);
    const webhook = def.nodes.find((n) => n.type === 'webhook');
    expect(webhook).toBeDefined();
    const pin = readPins(doc)[webhook?.id ?? ''];
    expect(pin?.items).toEqual([{ name: 'First item', code: 1 }]);
  });

  it('a pin whose items are not objects, or over 1 MB, is left out with a warning naming it', () => {
    const { definition, warnings } = fromN8n({
      nodes: [
        { name: 'A', type: 'n8n-nodes-base.noOp' },
        { name: 'B', type: 'n8n-nodes-base.noOp' },
      ],
      connections: {},
      pinData: { A: [{ json: 'text' }], B: [{ json: { s: 'x'.repeat(1_100_000) } }] },
    });
    expect(definition.pins).toBeUndefined();
    expect(warnings.map((w) => w.message)).toEqual([
      'Pinned data of "A" is not imported: every pinned item must be an object',
      'Pinned data of "B" is not imported: Pinned data is limited to 1 MB per node; this output is 1 MB',
    ]);
  });

  it("a pinned item's files are named, not kept: pins hold JSON only", () => {
    const { definition, warnings } = fromN8n({
      nodes: [{ name: 'A', type: 'n8n-nodes-base.noOp' }],
      connections: {},
      pinData: { A: [{ json: { a: 1 }, binary: { data: { data: 'aGk=', mimeType: 'text/plain' } } }] },
    });
    expect(Object.values(definition.pins ?? {})).toEqual([[{ a: 1 }]]);
    expect(warnings.map((w) => w.message)).toEqual([
      'Pinned data of "A": its items\' files (binary) are not imported; pins hold JSON only',
    ]);
  });
});

import { fromDefinition } from '#shared/schema/from-definition.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type * as Y from 'yjs';

/** A Code node body with what editors and git like to mangle: CRLF, no final newline, non-ASCII, a BOM-like char. */
export const CODE_BODY =
  '\uFEFFconst total = 1;\r\n// ünïcödé 🚀\r\n\treturn $input.all().map((i) => ({ json: { ...i.json, total } }));';

/** A small workflow touching every part of the format: description and notes on several lines, code, settings. */
export const sampleDefinition = () => ({
  weft: 1 as const,
  name: 'Order sync',
  description: 'Fetches orders.\nShapes them.',
  settings: { timezone: 'Europe/Berlin' },
  nodes: [
    { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
    {
      id: 'fetch',
      name: 'Fetch orders',
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      parameters: { url: 'https://example.com/orders' },
    },
    {
      id: 'shape',
      name: 'Shape',
      type: 'code',
      typeVersion: 1,
      position: { x: 400, y: 0 },
      parameters: { jsCode: CODE_BODY },
      notes: 'First line\nsecond line',
    },
  ],
  edges: [
    { source: 'start', target: 'fetch' },
    { source: 'fetch', target: 'shape' },
  ],
});

export const sampleDoc = (): Y.Doc => fromDefinition(sampleDefinition()).doc;

export const sampleCanonical = (): WorkflowDefinition => toDefinition(sampleDoc());

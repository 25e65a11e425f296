import { describe, expect, it } from 'vitest';
import { fromN8n } from '../src/interop/n8n/index.ts';

/** n8n's workflow time zone: "DEFAULT" is the instance's zone, which Weft resolves at run time (WEFT_TIMEZONE). */

const workflow = (timezone?: string) => ({
  name: 'zones',
  nodes: [
    {
      id: 'a',
      name: 'Start',
      type: 'n8n-nodes-base.manualTrigger',
      typeVersion: 1,
      position: [0, 0],
      parameters: {},
    },
  ],
  connections: {},
  settings: timezone === undefined ? {} : { timezone },
});

describe('n8n import: the workflow time zone', () => {
  it("leaves DEFAULT (and no zone) unset, so the server's zone applies; keeps a named zone", () => {
    expect(fromN8n(workflow('DEFAULT')).definition.settings?.timezone).toBeUndefined();
    expect(fromN8n(workflow()).definition.settings?.timezone).toBeUndefined();
    expect(fromN8n(workflow('Europe/Berlin')).definition.settings?.timezone).toBe('Europe/Berlin');
  });
});

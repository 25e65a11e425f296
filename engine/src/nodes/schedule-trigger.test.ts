import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { definition, node, run } from '../../test/harness.ts';

/**
 * n8n 2.41's Schedule Trigger refuses rules when it starts (ScheduleTrigger.node's trigger()): from 1.3 every
 * rule's interval out of range (GenericFunctions' validateInterval, "Invalid interval"), and a cron expression
 * its cron library cannot use ("Invalid cron expression"). Weft's node fails its run the same way.
 */

type Json = Record<string, unknown>;

const imported = (typeVersion: number, interval: Json[]): Json => {
  const { definition: def } = fromN8n({
    nodes: [
      {
        id: 't',
        name: 'T',
        type: 'n8n-nodes-base.scheduleTrigger',
        typeVersion,
        position: [0, 0],
        parameters: { rule: { interval } },
      },
    ],
    connections: {},
  });
  return def.nodes[0]?.parameters ?? {};
};

/** The trigger's run: its error, or its one item's keys. */
const start = async (parameters: Json) => {
  const result = await run(
    definition({ name: 'schedule', nodes: [node('Tick', 'scheduleTrigger', parameters)], edges: [] }),
  );
  const r = result.runs.find((x) => x.name === 'Tick');
  return r?.status === 'failed' ? { error: r.error } : { keys: Object.keys(r?.output.main?.[0]?.json ?? {}) };
};

describe('Schedule Trigger refuses what n8n refuses', () => {
  it('from 1.3 an interval out of range fails with n8n’s "Invalid interval" and its range, on any rule', async () => {
    const bad = imported(1.3, [
      { field: 'hours', hoursInterval: 2 },
      { field: 'seconds', secondsInterval: 0 },
    ]);
    expect(bad.invalidInterval).toBe('Seconds must be in range 1-59');
    expect(await start(bad)).toEqual({ error: expect.stringMatching(/Invalid interval/) as unknown });
    const days = imported(1.4, [{ field: 'days', daysInterval: 40 }]);
    expect(await start(days)).toEqual({ error: expect.stringMatching(/Invalid interval/) as unknown });
  });

  it('before 1.3 n8n never checks the interval: the rule runs', async () => {
    const old = imported(1.2, [{ field: 'seconds', secondsInterval: 0 }]);
    expect(old.invalidInterval).toBeUndefined();
    expect(await start(old)).toEqual({ keys: expect.arrayContaining(['timestamp']) as unknown });
  });

  it('a cron expression n8n’s cron library refuses (unparsable, never firing) fails with "Invalid cron expression"', async () => {
    for (const expression of ['not a cron', '0 0 31 2 *', '0 0 L * *', '* * * * * * *', '']) {
      const params = imported(1.2, [{ field: 'cronExpression', expression }]);
      expect(await start(params)).toEqual({ error: expect.stringMatching(/Invalid cron expression/) as unknown });
    }
    const fine = imported(1.4, [{ field: 'cronExpression', expression: '0 9 * * MON-FRI' }]);
    expect(await start(fine)).toEqual({ keys: expect.arrayContaining(['timestamp']) as unknown });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { METRIC_NAMES, ServerMetrics } from '../src/metrics/server-metrics.ts';
import { parseMetrics, seriesNames } from './helpers/prometheus.ts';

/**
 * docs/grafana/weft.json against what the server exposes: a renamed metric
 * fails here, not on someone's empty panel.
 */
const datasource = z.object({ type: z.literal('prometheus'), uid: z.literal('${DS_PROMETHEUS}') });
const dashboardSchema = z.object({
  __inputs: z.array(z.object({ name: z.string(), type: z.string(), pluginId: z.string() })),
  title: z.string().min(1),
  uid: z.string().min(1),
  schemaVersion: z.number().int(),
  panels: z
    .array(
      z.object({
        id: z.number().int(),
        type: z.string(),
        title: z.string().min(1),
        datasource,
        gridPos: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
        targets: z.array(z.object({ datasource, refId: z.string(), expr: z.string().min(1) })).min(1),
      }),
    )
    .min(1),
  templating: z.object({ list: z.array(z.object({ name: z.string(), definition: z.string().optional() })) }),
});

const dashboard = dashboardSchema.parse(
  JSON.parse(readFileSync(new URL('../../docs/grafana/weft.json', import.meta.url), 'utf8')),
);

/** Metric names in a PromQL expression: Weft's own and prom-client's process and Node.js families. */
const metricsIn = (expr: string): string[] => expr.match(/\b(?:weft|process|nodejs)_[a-z0-9_]+/g) ?? [];

describe('the Grafana dashboard (docs/grafana/weft.json)', () => {
  it('asks for its Prometheus data source on import, and every panel and query uses it', () => {
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    );
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names only metrics the server exposes, and shows every family of Weft’s own', async () => {
    const exposed = seriesNames(parseMetrics(await new ServerMetrics().text()).values());
    const used = new Set<string>();
    const expressions = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `${p.title} ${t.refId}`, expr: t.expr }))),
      ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, expr: v.definition ?? '' })),
    ];
    for (const { where, expr } of expressions) {
      const names = metricsIn(expr);
      expect(names.length, `${where} names no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        expect(exposed.has(name), `${where} reads ${name}, which the server does not expose`).toBe(true);
        used.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    for (const name of Object.values(METRIC_NAMES)) expect(used.has(name), `no panel shows ${name}`).toBe(true);
  });
});

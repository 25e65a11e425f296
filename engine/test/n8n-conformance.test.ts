import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { MAIN } from '#shared/nodes/types.ts';
import type { NodeExecutor } from '../src/runner/types.ts';
import { definition, run } from './harness.ts';

/**
 * n8n's own conformance vectors (shared/test/fixtures/n8n, see SOURCES.md):
 * the workflow is imported into Weft, run from its trigger with one empty
 * item, and each node's output is compared with what n8n's harness expects
 * (`pinData`, `json` only). `n8n-nodes-testing.testData` is n8n's test-only
 * node that emits its `data` parameter as items; the harness provides it here
 * as n8n's does.
 */

const dir = fileURLToPath(new URL('../../shared/test/fixtures/n8n/', import.meta.url));

const testData: NodeExecutor = (ctx) => {
  const data = ctx.node.parameters.data;
  const rows = typeof data === 'string' ? (JSON.parse(data) as unknown) : data;
  return { [MAIN]: (Array.isArray(rows) ? rows : []).map((json) => ({ json: json as Record<string, unknown> })) };
};

/**
 * The vectors Weft matches. Not listed, and why: workflow.combine.mergeByFields.json
 * (Merge's clash handling and `_source` options), error_outputs.json (n8n's paired-item tracking for `$('Node').item`), the
 * others (Function, Split In Batches and other node types Weft lacks).
 */
const vectors = [
  'switch.rules.workflow.json',
  'workflow.chooseBranch.json',
  'workflow.limit.json',
  'workflow.removeDuplicates.json',
  'workflow.timestamp_v2.json',
  'workflow.aggregate.json',
  'workflow.append.json',
  'workflow.splitOut.json',
  'workflow.sort.json',
];

/**
 * The vectors were pinned by several n8n versions, and the order of an
 * item's keys changed between them (Split Out's included fields came first
 * before 2.x): items compare as JSON with their keys sorted. The differential
 * harness (npm run test:n8n-diff) holds Weft to n8n 2.41 itself.
 */
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        )
      : value;

describe('n8n conformance vectors', () => {
  it.each(vectors)('%s', async (file) => {
    const n8n = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as { pinData?: Record<string, { json: unknown }[]> };
    const { definition: imported } = fromN8n(n8n);
    const result = await run(definition(imported), { extraExecutors: { 'n8n-nodes-testing.testData': testData } });
    const lastRun = new Map<string, { json: unknown }[]>();
    for (const r of result.runs) lastRun.set(r.name, r.output.main ?? Object.values(r.output)[0] ?? []);
    const expected = Object.entries(n8n.pinData ?? {});
    expect(expected.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const [name, items] of expected) {
      const got = (lastRun.get(name) ?? []).map((i) => i.json);
      const want = items.map((i) => i.json);
      if (JSON.stringify(canonical(got)) !== JSON.stringify(canonical(want)))
        failures.push(`${name}:\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
});

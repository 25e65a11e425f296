import { n8nTrial } from './n8n-trial.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromN8n } from '../../shared/src/interop/n8n/index.ts';
import { validateDefinition } from '../../shared/src/schema/validate.ts';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { executors } from '../../engine/src/nodes/registry.ts';
import type { Item } from '#shared/runs/items.ts';
import { runWorkflow } from '../../engine/src/runner/run-workflow.ts';
import { fmt } from '../lib/stats.ts';
import { createSandbox } from '../../engine/src/sandbox/node-host.ts';

/**
 * `node --import tsx bench/engine/luxon.ts [--quick]`: a date-heavy workflow
 * (Edit Fields evaluating two Luxon expressions per item, in a workflow time
 * zone) in Weft's engine beside n8n 2.41's (bench/engine/n8n-baseline/run.js
 * with workflow-luxon.json), trials alternating, medians compared. What
 * docs/decisions.md reports for Luxon in the sandbox is measured with this.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const baselineDir = join(root, 'bench/engine/n8n-baseline');
const quick = process.argv.includes('--quick');
const TRIALS = quick ? 3 : 5;
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const main = async () => {
  // A generous time limit: this measures speed, and a loaded machine must not turn a slow batch into a failure.
  const sandbox = await createSandbox({ timeoutMs: 10_000 });
  const resolver = new ParameterResolver(sandbox);
  const n8nWorkflow = JSON.parse(readFileSync(join(baselineDir, 'workflow-luxon.json'), 'utf8')) as unknown;
  const valid = validateDefinition(fromN8n(n8nWorkflow).definition);
  if (!valid.ok) throw new Error(valid.issues.map((i) => i.message).join('\n'));
  const definition = valid.definition;
  const meta = { workflow: { id: 'bench', name: 'bench', active: false }, execution: { id: 'bench', mode: 'manual' } };

  const once = async (triggerItems: Item[] | undefined) => {
    const r = await runWorkflow({
      definition,
      executors,
      sandbox,
      resolver,
      meta,
      ...(triggerItems ? { triggerItems } : {}),
    });
    if (r.status !== 'succeeded') throw new Error(r.error);
    return r;
  };
  const weftTrial = async (items: number, n: number): Promise<number> => {
    const triggerItems = items > 1 ? Array.from({ length: items }, (_, i) => ({ json: { i } })) : undefined;
    for (let i = 0; i < Math.min(200, n); i++) await once(triggerItems);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await once(triggerItems);
    return n / (Number(process.hrtime.bigint() - t0) / 1e9);
  };

  const sample = (await once([{ json: { i: 3 } }])).runs.find((r) => r.name === 'Dates')?.output.main?.[0]?.json;
  log(`check: ${JSON.stringify(sample)}`);

  const rows: string[] = [];
  for (const items of [1, 100]) {
    const n = items === 1 ? (quick ? 300 : 1000) : quick ? 10 : 30;
    const weft: number[] = [];
    const n8n: number[] = [];
    for (let t = 0; t < TRIALS; t++) {
      log(`${items} item(s): trial ${t + 1}/${TRIALS}`);
      weft.push(await weftTrial(items, n));
      n8n.push(await n8nTrial('workflow-luxon.json', items, n));
    }
    const w = median(weft);
    const b = median(n8n);
    log(
      `${items} item(s): Weft ${weft.map((x) => fmt(x, 0)).join(', ')} / n8n ${n8n.map((x) => fmt(x, 0)).join(', ')} executions/s`,
    );
    rows.push(
      `| Manual → Edit Fields with 2 Luxon expressions, ${items} item${items === 1 ? '' : 's'}: executions/s | ${fmt(w, 0)} | ${fmt(b, 0)} | ${fmt(w / b, 2)}× |`,
    );
  }
  process.stdout.write(
    `\n${['| scenario | Weft | n8n 2.41 | ratio |', '| --- | --- | --- | --- |', ...rows].join('\n')}\n\n`,
  );
  sandbox.dispose();
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

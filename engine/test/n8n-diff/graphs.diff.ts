import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBudget, firstSeed, familySelected, runStamp, writeResult } from './budget.ts';
import { graphCase, graphKey, shrinkGraph } from './graph-gen.ts';
import type { N8nWorkflowJson } from './node-case.ts';
import { pasteableWorkflow } from './node-case.ts';
import { compareResults, describeDivergence, type Divergence } from './outcome.ts';
import { ensureReferenceInstalled, N8nReference } from './reference.ts';
import { runInWeft } from './weft.ts';

/**
 * Whole workflows, differentially: random small graphs of supported nodes
 * (graph-gen.ts) run in n8n and in Weft, compared node by node, run by run.
 * This is where run order shows: how often a node fed by both branches of an
 * IF runs, when a Merge runs, what an empty branch does, loops. Weft runs each
 * as a stored workflow does, read back from a workflow document, so the
 * connection order (v0 runs children by it) must survive the document. Divergences are
 * minimized by dropping nodes and items while the first divergence stays on
 * the same node with the same kind.
 */

const reference = new N8nReference();
beforeAll(ensureReferenceInstalled, 300_000);
afterAll(() => reference.close());

// Through a workflow document, as a stored workflow runs: its edges must keep n8n's connection order.
const diff = async (wf: N8nWorkflowJson): Promise<Divergence[]> =>
  compareResults(await reference.run(wf), (await runInWeft(wf, undefined, true)).result, wf);

const kindOf = (d: Divergence | undefined): string => (d ? `${d.node.replace(/ \d+$/, '')}: ${d.what}` : '');

describe('n8n differential: random workflows', () => {
  it.runIf(familySelected('graphs'))('Weft runs them as n8n does, node by node', async () => {
    const budget = caseBudget('workflow');
    const seed = firstSeed();
    const groups = new Map<string, { wf: N8nWorkflowJson; seed: number; first: Divergence; count: number }>();
    let diverging = 0;
    for (let i = 0; i < budget; i++) {
      const { workflow } = graphCase(seed + i);
      const first = (await diff(workflow))[0];
      if (!first) continue;
      diverging++;
      const key = kindOf(first);
      const group = groups.get(key);
      if (group) group.count++;
      else groups.set(key, { wf: workflow, seed: seed + i, first, count: 1 });
    }
    const reports: string[] = [];
    for (const [key, g] of groups) {
      let current = g.wf;
      let tries = 0;
      let progressed = true;
      while (progressed && tries < 150) {
        progressed = false;
        for (const candidate of shrinkGraph(current)) {
          tries++;
          if (kindOf((await diff(candidate))[0]) === key) {
            current = candidate;
            progressed = true;
            break;
          }
        }
      }
      const divergences = await diff(current);
      reports.push(
        [
          `DIVERGENCE ${key} — seed ${g.seed}, ${g.count} workflows like it (minimized in ${tries} tries): ${graphKey(current)}`,
          `replay: WEFT_N8N_DIFF_FAMILY=graphs WEFT_N8N_DIFF_SEED=${g.seed} WEFT_N8N_DIFF_BUDGET=1 npm run test:n8n-diff`,
          ...divergences.slice(0, 5).map((d) => `  ${describeDivergence(d)}`),
          'n8n workflow (paste into n8n):',
          JSON.stringify(pasteableWorkflow(current)),
        ].join('\n'),
      );
    }
    const summary = [
      `graphs: ${budget} workflows from seed ${seed}, ${diverging} diverging in ${groups.size} groups`,
      ...[...groups.entries()].map(([key, g]) => `  ${g.count}× ${key} (seed ${g.seed})`),
    ].join('\n');
    const file = writeResult('graphs.txt', `${summary}\n\n${reports.join('\n\n')}\n`);
    // The record docs:n8n-compat reads (coverage.ts), as nodes.diff.ts writes one per family.
    writeResult(
      'graphs.json',
      JSON.stringify(
        {
          ...runStamp(),
          family: 'graphs',
          budget,
          seed,
          refused: 0,
          diverging,
          reports: [...groups.entries()].map(([signature, g]) => ({ signature, seed: g.seed, count: g.count })),
        },
        null,
        1,
      ),
    );
    console.log(`${summary}\nreports: ${file}`);
    expect(diverging, `${summary}\n\n${reports.slice(0, 3).join('\n\n')}`).toBe(0);
  });
});

import { caseWorkflow, pasteableWorkflow, type NodeCase, type Params } from './node-case.ts';
import { minimize } from './minimize.ts';
import { compareResults, describeDivergence, type Divergence } from './outcome.ts';
import type { N8nReference } from './reference.ts';
import { runInWeft } from './weft.ts';

/** Runs cases through both engines, and turns a divergence into a report a person can act on. */

export interface CaseDiff {
  divergences: Divergence[];
  warnings: string[];
  /**
   * n8n refused to start the run because the node's parameters have "issues"
   * (values its editor would not let a person save): not a case to compare.
   */
  refusedByN8n?: string;
}

const REFUSED = /^The '.*' node has issues/;

export const diffCase = async (reference: N8nReference, c: NodeCase): Promise<CaseDiff> => {
  const workflow = caseWorkflow(c);
  const n8n = await reference.run(workflow, c.now);
  const weft = await runInWeft(workflow, c.now);
  if (!n8n.ok && REFUSED.test(n8n.reason))
    return { divergences: [], warnings: weft.warnings, refusedByN8n: n8n.reason };
  return { divergences: compareResults(n8n, weft.result, workflow), warnings: weft.warnings };
};

/** A generator of node cases for one node family, and how to shrink its parameters. */
export interface Family {
  name: string;
  generate(seed: number): NodeCase;
  shrink(parameters: Params): Params[];
  /** What a case exercises (its operators, its mode): cases with the same key and divergence get one report. */
  key(c: NodeCase): string;
  /**
   * What the generator covers beyond what its sampled cases show by their
   * parameters (operators, kinds of values, expression forms): a dimension's
   * name → the values covered. docs/n8n-compatibility.md lists it per node
   * type (`npm run docs:n8n-compat`).
   */
  coverage?(): Record<string, readonly string[]>;
  /** Starts what the family's cases need (a local server); resolves to what stops it. */
  setup?(): Promise<() => Promise<void>>;
  /** Runs a case its own way (the webhook family sends real requests to two servers); default: diffCase. */
  diff?: (reference: N8nReference, c: NodeCase) => Promise<CaseDiff>;
}

/** Where the first divergence is and what it is: minimizing keeps it. */
export const signature = (c: NodeCase, d: Divergence | undefined): string =>
  `${c.type}@${c.typeVersion} ${d ? `${d.node}: ${d.what}` : 'none'}`;

export interface DivergenceReport {
  signature: string;
  seed: number;
  /** Cases with this signature in the run. */
  count: number;
  minimized: NodeCase;
  divergences: Divergence[];
  warnings: string[];
  text: string;
}

export const reportDivergence = async (
  reference: N8nReference,
  c: NodeCase,
  first: CaseDiff,
  family: Family,
): Promise<DivergenceReport> => {
  const run = family.diff ?? diffCase;
  const sig = signature(c, first.divergences[0]);
  const { minimized, tries } = await minimize(
    c,
    async (candidate) => signature(candidate, (await run(reference, candidate)).divergences[0]) === sig,
    (p) => family.shrink(p),
  );
  const final = await run(reference, minimized);
  const text = [
    `DIVERGENCE ${family.key(c)} | ${sig} — seed ${c.seed} (minimized in ${tries} tries)`,
    `replay: WEFT_N8N_DIFF_FAMILY=${c.family} WEFT_N8N_DIFF_SEED=${c.seed} WEFT_N8N_DIFF_BUDGET=1 npm run test:n8n-diff`,
    `node: n8n-nodes-base.${minimized.type} v${minimized.typeVersion}`,
    `parameters: ${JSON.stringify(minimized.parameters)}`,
    `items: ${JSON.stringify(minimized.items)}`,
    ...(minimized.request ? [`request: ${JSON.stringify(minimized.request)}`] : []),
    ...final.divergences.slice(0, 5).map((d) => `  ${describeDivergence(d)}`),
    ...(final.warnings.length > 0 ? [`import warnings: ${final.warnings.join(' | ')}`] : []),
    'n8n workflow (paste into n8n):',
    JSON.stringify(pasteableWorkflow(caseWorkflow(minimized))),
  ].join('\n');
  return {
    signature: `${family.key(c)} | ${sig}`,
    seed: c.seed,
    count: 1,
    minimized,
    divergences: final.divergences,
    warnings: final.warnings,
    text,
  };
};

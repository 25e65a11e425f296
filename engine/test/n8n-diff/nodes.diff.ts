import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBudget, familySelected, firstSeed, runStamp, writeResult } from './budget.ts';
import { codeFamily } from './code-gen.ts';
import { conditionsFamily } from './conditions-gen.ts';
import { conditionsV1Family } from './conditions-v1-gen.ts';
import { switchV1Family } from './switch-v1-gen.ts';
import { dateTimeFamily } from './date-time-gen.ts';
import { expressionsFamily } from './expressions-gen.ts';
import { functionFamily, functionItemFamily, noOpFamily } from './function-gen.ts';
import { httpRequestFamily } from './http-request-gen.ts';
import { aggregateFamily } from './aggregate-gen.ts';
import { itemListsFamily } from './item-lists-gen.ts';
import { limitFamily } from './limit-gen.ts';
import { executeWorkflowFamily } from './execute-workflow-gen.ts';
import { removeDuplicatesFamily } from './remove-duplicates-gen.ts';
import { setFamily } from './set-gen.ts';
import { sortFamily } from './sort-gen.ts';
import { splitOutFamily } from './split-out-gen.ts';
import { summarizeFamily } from './summarize-gen.ts';
import { renameKeysFamily } from './rename-keys-gen.ts';
import { executionDataFamily } from './execution-data-gen.ts';
import { errorTriggerFamily, stopAndErrorFamily } from './error-nodes-gen.ts';
import { compareDatasetsFamily } from './compare-datasets-gen.ts';
import { xmlFamily } from './xml-gen.ts';
import { htmlFamily } from './html-gen.ts';
import { markdownFamily } from './markdown-gen.ts';
import { cryptoFamily } from './crypto-gen.ts';
import { emailSendFamily } from './email-send-gen.ts';
import { postgresFamily } from './postgres-gen.ts';
import { mysqlFamily } from './mysql-gen.ts';
import { readWriteFilesFamily } from './read-write-files-gen.ts';
import { switchFamily } from './switch-gen.ts';
import { mergeFamily } from './merge-gen.ts';
import { respondFamily } from './respond-gen.ts';
import { waitFamily } from './wait-gen.ts';
import { triggerFamily } from './trigger-gen.ts';
import { webhookFamily } from './webhook-gen.ts';
import { diffCase, reportDivergence, type CaseDiff, type DivergenceReport, type Family } from './differ.ts';
import type { NodeCase } from './node-case.ts';
import { ensureReferenceInstalled, N8nReference } from './reference.ts';

/**
 * Node cases, differentially: each generated case runs through n8n's real
 * node class (the reference process) and through Weft's import + engine, and
 * every node's outputs must be equal. Divergences are grouped by what the
 * case exercises and where it diverged; the first case of each group is
 * minimized and reported with its seed and an n8n workflow to paste.
 */

const itemListFamilies = [
  sortFamily,
  limitFamily,
  aggregateFamily,
  splitOutFamily,
  removeDuplicatesFamily,
  itemListsFamily,
  summarizeFamily,
  renameKeysFamily,
  executionDataFamily,
  compareDatasetsFamily,
  xmlFamily,
  htmlFamily,
  markdownFamily,
  cryptoFamily,
  emailSendFamily,
];
const families: Family[] = [
  codeFamily,
  conditionsFamily,
  conditionsV1Family,
  switchV1Family,
  dateTimeFamily,
  expressionsFamily,
  setFamily,
  switchFamily,
  mergeFamily,
  httpRequestFamily,
  respondFamily,
  waitFamily,
  triggerFamily,
  webhookFamily,
  functionFamily,
  functionItemFamily,
  noOpFamily,
  stopAndErrorFamily,
  errorTriggerFamily,
  postgresFamily,
  mysqlFamily,
  readWriteFilesFamily,
  executeWorkflowFamily,
  ...itemListFamilies,
].filter((f) => familySelected(f.name));
/** Minimizing costs many runs: the first groups are reported in full, the others counted. */
const MAX_REPORTS = 60;

const reference = new N8nReference();
beforeAll(ensureReferenceInstalled, 300_000);
afterAll(() => reference.close());

describe('n8n differential: node cases', () => {
  it.each(families)('$name: Weft gives n8n’s outputs', async (family) => {
    const teardown = await family.setup?.();
    try {
      await runFamily(family);
    } finally {
      await teardown?.();
    }
  });
});

const runFamily = async (family: Family): Promise<void> => {
  const budget = caseBudget();
  const seed = firstSeed();
  const groups = new Map<string, { first: NodeCase; diff: CaseDiff; count: number }>();
  let diverging = 0;
  let refused = 0;
  for (let i = 0; i < budget; i++) {
    const c = family.generate(seed + i);
    const diff = await (family.diff ?? diffCase)(reference, c);
    if (diff.refusedByN8n) refused++;
    if (diff.divergences.length === 0) continue;
    diverging++;
    const first = diff.divergences[0];
    // Not by version: one report per behaviour, whichever version showed it first.
    const key = `${family.key(c)} | ${first ? `${first.node}: ${first.what}` : ''}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { first: c, diff, count: 1 });
  }
  const reports: DivergenceReport[] = [];
  for (const { first, diff, count } of [...groups.values()].slice(0, MAX_REPORTS)) {
    reports.push({ ...(await reportDivergence(reference, first, diff, family)), count });
  }
  const summary = [
    `${family.name}: ${budget} cases from seed ${seed} (${refused} refused by n8n as invalid parameters), ${diverging} diverging in ${groups.size} groups`,
    ...[...groups.entries()].map(([key, g]) => `  ${g.count}× ${key} (seed ${g.first.seed})`),
  ].join('\n');
  const file = writeResult(
    `${family.name}.txt`,
    `${summary}\n\n${reports.map((r) => `${r.text}\n(${r.count} cases like it)`).join('\n\n')}\n`,
  );
  writeResult(
    `${family.name}.json`,
    JSON.stringify({ ...runStamp(), budget, seed, refused, diverging, reports }, null, 1),
  );
  console.log(`${summary}\nreports: ${file}`);
  expect(
    diverging,
    `${summary}\n\n${reports
      .slice(0, 3)
      .map((r) => r.text)
      .join('\n\n')}`,
  ).toBe(0);
};

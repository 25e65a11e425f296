import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { compareResults, describeDivergence, type Divergence, type EngineResult } from './outcome.ts';
import type { N8nReference } from './reference.ts';
import { runInWeft } from './weft.ts';

/**
 * The interop corpus (shared/test/fixtures/n8n, a copy of the handbook's
 * ../shared/interop/n8n) through both engines. n8n's own test vectors hold
 * n8n's outputs in pinData (what n8n's node-test-harness expects of each
 * node's first output); the reference process reruns every workflow with
 * n8n's engine, so editor fixtures without expectations are compared too.
 */

export const vectorsDir = fileURLToPath(new URL('../../../shared/test/fixtures/n8n/', import.meta.url));

export interface VectorRow {
  file: string;
  /** n8n's test vectors hold expected outputs in pinData; its editor fixtures hold pinned input, not compared. */
  kind: 'vector' | 'editor fixture';
  /** n8n node types in it that Weft has no node for. */
  unsupportedTypes: string[];
  /** Whether n8n's rerun gives the outputs in pinData (undefined: no pinData, or n8n could not run it). */
  referenceMatchesPinData: boolean | undefined;
  /** Whether Weft gives n8n's outputs: the rerun's and pinData's (undefined: nothing to compare with). */
  matches: boolean | undefined;
  /** The first divergence with the values on both sides (test output). */
  firstDivergence: string;
  /** Where it is and what differs, without values (the doc's table: stable from run to run). */
  where: string;
}

type PinData = Record<string, { json: unknown }[]>;

const firstOutputs = (result: EngineResult): Map<string, unknown[]> => {
  const out = new Map<string, unknown[]>();
  if (result.ok) for (const [name, runs] of Object.entries(result.nodes)) out.set(name, runs[0]?.outputs[0] ?? []);
  return out;
};

/** The first node whose first output differs from pinData, as text; '' when none does. */
const againstPinData = (pin: PinData, result: EngineResult): string => {
  if (!result.ok) return result.reason;
  const got = firstOutputs(result);
  for (const [node, items] of Object.entries(pin)) {
    const want = items.map((i) => i.json);
    const have = got.get(node) ?? [];
    if (!isDeepStrictEqual(have, want)) {
      const show = (v: unknown) => {
        const s = JSON.stringify(v);
        return s.length > 200 ? `${s.slice(0, 199)}…` : s;
      };
      return `${node}: pinData ${show(want)} / got ${show(have)}`;
    }
  }
  return '';
};

/** Editor fixtures, by SOURCES.md: files copied from n8n's cypress/fixtures. */
const editorFixtures = (): Set<string> =>
  new Set(
    [...readFileSync(`${vectorsDir}SOURCES.md`, 'utf8').matchAll(/^\| (\S+\.json) \| cypress\//gm)].map(
      (m) => m[1] ?? '',
    ),
  );

export const vectorFiles = (): string[] =>
  readdirSync(vectorsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();

export const runVector = async (reference: N8nReference, file: string): Promise<VectorRow> => {
  const workflow = JSON.parse(readFileSync(`${vectorsDir}${file}`, 'utf8')) as { pinData?: PinData };
  const kind = editorFixtures().has(file) ? 'editor fixture' : 'vector';
  const pin =
    kind === 'vector' && workflow.pinData && Object.keys(workflow.pinData).length > 0 ? workflow.pinData : undefined;
  const { pinData: _, ...withoutPins } = workflow;
  // One clock for both engines: triggers and expressions that read the time see the same moment.
  const now = Date.now();
  const n8n = await reference.run(withoutPins, now);
  const weft = await runInWeft(withoutPins, now);
  const problems: string[] = [];
  const places: string[] = [];
  let compared = false;
  if (n8n.ok) {
    compared = true;
    const first = compareResults(n8n, weft.result, withoutPins)[0];
    if (first) {
      problems.push(`against n8n's run: ${describeDivergence(first)}`);
      places.push(`against n8n's run: ${placeOf(first)}`);
    }
  }
  // n8n 2.41 is the reference: pinData an older n8n recorded counts only where today's n8n still gives it.
  if (pin && !(n8n.ok && againstPinData(pin, n8n) !== '')) {
    compared = true;
    const pinProblem = againstPinData(pin, weft.result);
    if (pinProblem) {
      problems.push(`against pinData: ${pinProblem}`);
      places.push(`against pinData: ${pinProblem.split(':')[0] ?? ''}`);
    }
  }
  if (!n8n.ok && !pin) problems.push(`n8n could not run it here (${n8n.reason}) and it holds no expected outputs`);
  else if (!weft.result.ok && problems.length === 0) problems.push(weft.result.reason);
  if (places.length === 0 && problems[0]) places.push(problems[0]);
  return {
    file,
    kind,
    unsupportedTypes: weft.unsupportedTypes,
    referenceMatchesPinData: pin && n8n.ok ? againstPinData(pin, n8n) === '' : undefined,
    matches: compared ? problems.length === 0 : undefined,
    firstDivergence: problems[0] ?? '',
    where: places[0] ?? '',
  };
};

const placeOf = (d: Divergence): string =>
  [d.node, d.run !== undefined ? `run ${d.run}` : '', d.output !== undefined ? `output ${d.output}` : '', d.what]
    .filter(Boolean)
    .join(', ');

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const yesNo = (value: boolean | undefined): string => (value === undefined ? '—' : value ? 'yes' : 'no');

export const vectorTable = (rows: VectorRow[]): string =>
  [
    '| Workflow | Kind | Supported (node types Weft lacks) | n8n here = pinData | Weft matches n8n | First divergence |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.file} | ${r.kind} | ${r.unsupportedTypes.length === 0 ? 'yes' : `no (${r.unsupportedTypes.join(', ')})`} | ${yesNo(r.referenceMatchesPinData)} | ${yesNo(r.matches)} | ${cell(r.where)} |`,
    ),
  ].join('\n');

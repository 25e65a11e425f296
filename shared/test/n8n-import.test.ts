import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.ts';
import { fromN8n, isN8nWorkflow } from '../src/interop/n8n/index.ts';
import { nodePorts } from '../src/nodes/ports.ts';
import { fromDefinition } from '../src/schema/from-definition.ts';
import { toDefinition } from '../src/schema/to-definition.ts';

/** n8n → Weft import, against real n8n workflow files (shared/test/fixtures/n8n, see SOURCES.md there). */

const dir = fileURLToPath(new URL('./fixtures/n8n', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface N8nFile {
  name?: string;
  nodes: { name: string; type: string; parameters?: Record<string, unknown> }[];
  connections: Record<string, Record<string, ({ node: string; index: number }[] | null)[]>>;
}

const load = (file: string): N8nFile => JSON.parse(readFileSync(join(dir, file), 'utf8')) as N8nFile;

/** Import as the server does, and read the result back out of the Yjs document. */
const importFile = (file: string) => {
  const { definition, warnings } = fromN8n(load(file));
  const { doc, warnings: more } = fromDefinition(definition);
  return { def: toDefinition(doc), warnings: [...warnings, ...more].map((w) => w.message) };
};

const byName = (def: ReturnType<typeof importFile>['def'], name: string) => {
  const node = def.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node "${name}"`);
  return node;
};

/** Edges as "source[handle] → target[handle]" by node names. */
const edgeNames = (def: ReturnType<typeof importFile>['def']): string[] => {
  const name = (id: string) => def.nodes.find((n) => n.id === id)?.name;
  return def.edges.map((e) => `${name(e.source)}[${e.sourceHandle}] → ${name(e.target)}[${e.targetHandle}]`).sort();
};

describe('n8n import: every file of the corpus', () => {
  it.each(files)('%s imports with all its nodes and connections', (file) => {
    const n8n = load(file);
    expect(isN8nWorkflow(n8n)).toBe(true);
    const { def, warnings } = importFile(file);
    expect(def.nodes.map((n) => n.name).sort()).toEqual(n8n.nodes.map((n) => n.name).sort());
    const expected = Object.values(n8n.connections)
      .flatMap((types) => types.main ?? [])
      .flatMap((targets) => targets ?? []).length;
    // A connection n8n never sends items through (an output the node does not have) is named, not kept.
    const leftOut = warnings.filter((w) => /has no output \d+ in Weft; its connection to/.test(w)).length;
    expect(def.edges.length + leftOut).toBe(expected);
    // Every edge ends on a handle its node shows.
    for (const e of def.edges) {
      const source = def.nodes.find((n) => n.id === e.source);
      const target = def.nodes.find((n) => n.id === e.target);
      if (!source || !target) throw new Error('dangling edge');
      const known = !source.type.includes('.');
      if (known) expect(nodePorts(source).outputs.map((p) => p.name)).toContain(e.sourceHandle);
      if (!target.type.includes('.')) expect(nodePorts(target).inputs.map((p) => p.name)).toContain(e.targetHandle);
    }
  });
});

describe('n8n import: node mappings', () => {
  it('maps IF 2 conditions and both branches', () => {
    const { def, warnings } = importFile('Workflow_if.json');
    const iff = byName(def, 'If');
    expect(iff.type).toBe('if');
    expect(iff.parameters.conditions).toEqual([
      // The number 5 stays a number (n8n's strict type validation tells "5" from 5).
      { leftValue: '={{ $json.data }}', operator: 'number:lt', rightValue: '={{ 5 }}' },
    ]);
    expect(iff.parameters.combinator).toBe('and');
    expect(edgeNames(def)).toEqual([
      'Code[main] → Edit Fields[main]',
      'Code[main] → If[main]',
      'If[false] → Edit Fields[main]',
      'If[true] → Edit Fields[main]',
      'Schedule Trigger[main] → Code[main]',
    ]);
    // The default schedule rule (every day at midnight) as cron.
    expect(byName(def, 'Schedule Trigger').parameters.cronExpression).toBe('0 0 */1 * *');
    expect(byName(def, 'Edit Fields').parameters).toMatchObject({
      mode: 'manual',
      assignments: [{ name: 'data', value: '={{ $json.data }}', type: 'number' }],
      includeOtherFields: false,
    });
    expect(warnings).toEqual([]);
  });

  it('maps case-insensitive string conditions and operators n8n names differently', () => {
    const { def } = importFile('IfV2.string.json');
    const iff = def.nodes.find((n) => n.type === 'if');
    expect(iff?.parameters.ignoreCase).toBe(true);
    const operators = (iff?.parameters.conditions as { operator: string }[]).map((c) => c.operator);
    expect(operators[0]).toBe('string:startsWith');
    expect(operators).not.toContain(undefined);
  });

  it('maps Switch rules to one output per rule, named as in n8n, with the fallback to a rule output', () => {
    const { def, warnings } = importFile('switch.rules.workflow.json');
    const sw = def.nodes.find((n) => n.type === 'switch');
    if (!sw) throw new Error('no switch');
    expect(nodePorts(sw).outputs.map((p) => p.label)).toEqual(['First Output', 'Second Output', 'Third Output']);
    expect((sw.parameters.rules as { rightValue: string }[]).map((r) => r.rightValue)).toEqual([
      'first',
      'second',
      'third',
    ]);
    expect(
      def.edges
        .filter((e) => e.source === sw.id)
        .map((e) => e.sourceHandle)
        .sort(),
    ).toEqual(['output0', 'output1', 'output2']);
    expect(sw.parameters).toMatchObject({ fallbackOutput: 'output', fallbackOutputIndex: 2 });
    // n8n's test-only node stays, clearly marked.
    expect(warnings.some((w) => w.includes('"n8n-nodes-testing.testData" is not supported'))).toBe(true);
  });

  it('maps continueOnFail as n8n 2 runs it: the old `errorOutput` flag is ignored, items go on the regular output', () => {
    const { def, warnings } = importFile('error_outputs.json');
    const thrower = byName(def, 'Throw Error');
    expect(thrower.onError).toBe('continueRegularOutput');
    expect(byName(def, 'Throw Error1').onError).toBe('continueRegularOutput');
    // n8n 2 never sends items through that second output: the connection is named and left out.
    expect(edgeNames(def)).not.toContain('Throw Error[error] → Error[main]');
    expect(warnings.some((w) => w.includes('"Throw Error" has no output 2'))).toBe(true);
    expect(edgeNames(def)).toContain('Throw Error[main] → Success[main]');
    // Set 3.2 "fields" become assignments and keep the input's other fields, as n8n 3.2 does.
    expect(byName(def, 'Success').parameters).toMatchObject({
      assignments: [{ name: 'originalName', value: "={{ $('Mock Data').item.json.name }}", type: 'string' }],
      includeOtherFields: true,
    });
    expect(byName(def, 'Sticky Note').type).toBe('stickyNote');
  });

  it('maps Set 1 and 2 value lists, IF 1 conditions, and the legacy Function node to Code', () => {
    const { def, warnings } = importFile('paired_items_fix.json');
    const sets = def.nodes.filter((n) => n.type === 'set');
    expect(sets.length).toBe(3);
    const withTwo = sets.find((n) => (n.parameters.assignments as unknown[]).length === 2);
    expect(withTwo?.parameters.assignments).toEqual([
      { name: 'numberOriginal', value: "={{ $('Generate new items').item.json.number }}", type: 'number' },
      { name: 'letterOriginal', value: "={{ $('Generate new items').item.json.letter }}", type: 'string' },
    ]);
    const iff = def.nodes.find((n) => n.type === 'if');
    // IF 1 compares value1 with value2 (false when left out) as JavaScript's ===.
    expect(iff?.parameters).toMatchObject({
      conditions: [{ leftValue: '={{ true }}', operator: 'boolean:equals', rightValue: '={{ false }}' }],
      comparison: 'legacy',
    });
    const fn = def.nodes.find((n) => n.name === 'Generate new items');
    expect(fn?.type).toBe('code');
    expect(fn?.parameters).toMatchObject({ mode: 'runOnceForAllItems' });
    expect(String(fn?.parameters.jsCode)).toContain("'number': 1");
    expect(def.nodes.find((n) => n.name === 'Mix up pairing')?.type).toBe('code');
    expect(def.nodes.find((n) => n.name === 'IF')?.alwaysOutputData).toBe(true);
    expect(def.settings.executionOrder).toBe('v0');
    expect(warnings.filter((w) => w.includes('Always Output Data'))).toHaveLength(0);
  });

  it('maps Merge 2 modes', () => {
    const merges = importFile('workflow.combine.mergeByFields.json').def.nodes.filter((n) => n.type === 'merge');
    expect(merges[0]?.parameters).toMatchObject({
      mode: 'combineByFields',
      fieldsToMatch: [{ field1: 'id', field2: 'id' }],
    });
    const chosen = importFile('workflow.chooseBranch.json').def.nodes.filter((n) => n.type === 'merge');
    expect(chosen.map((n) => n.parameters.useDataOfInput).sort()).toEqual(['empty', 'input1', 'input2']);
    const { def } = importFile('workflow.append.json');
    const merge = def.nodes.find((n) => n.type === 'merge');
    expect(merge?.parameters.mode).toBe('append');
    expect(
      def.edges
        .filter((e) => e.target === merge?.id)
        .map((e) => e.targetHandle)
        .sort(),
    ).toEqual(['input1', 'input2']);
  });

  it('maps Sort, Limit, Aggregate, Split Out, Remove Duplicates and Date & Time parameters', () => {
    const sorts = importFile('workflow.sort.json');
    expect(byName(sorts.def, 'Item Lists1').parameters.sortFields).toEqual([
      { fieldName: 'char', order: 'descending' },
      { fieldName: 'id', order: 'descending' },
    ]);
    expect(byName(sorts.def, 'Item Lists2').parameters).toMatchObject({ type: 'code' });
    expect(String(byName(sorts.def, 'Item Lists2').parameters.code)).toContain("fieldName = 'id'");
    const limits = importFile('workflow.limit.json').def.nodes.filter((n) => n.type === 'limit');
    expect(limits.map((n) => n.parameters.keep).sort()).toEqual(['firstItems', 'lastItems']);
    const aggregates = importFile('workflow.aggregate.json').def.nodes.filter((n) => n.type === 'aggregate');
    expect(aggregates.find((n) => n.name === 'fields aggregate and rename')?.parameters.fieldsToAggregate).toEqual([
      { fieldToAggregate: 'id', renameField: true, outputFieldName: 'data' },
    ]);
    const splits = importFile('workflow.splitOut.json').def.nodes.filter((n) => n.type === 'splitOut');
    expect(splits.map((n) => n.parameters.fieldsToInclude).filter(Boolean)).toEqual(['data3']);
    expect(splits.map((n) => n.parameters.destinationFieldName).filter(Boolean)).toEqual(['output']);
    const dedupe = importFile('workflow.removeDuplicates.json').def.nodes.filter((n) => n.type === 'removeDuplicates');
    expect(dedupe.map((n) => n.parameters.compare).sort()).toEqual([
      'allFields',
      'allFieldsExcept',
      'allFieldsExcept',
      'selectedFields',
    ]);
    const dates = importFile('workflow.timestamp_v2.json').def.nodes.filter((n) => n.type === 'dateTime');
    expect(dates.find((n) => n.name === 'Date & Time6')?.parameters).toMatchObject({
      operation: 'formatDate',
      format: 'yyyy/MM/dd',
      outputFieldName: 'data',
    });
  });

  it('maps Wait, Webhook and Code, with Wait 1 counting hours by default', () => {
    const manual = importFile('Manual_wait_set.json').def;
    expect(manual.nodes.find((n) => n.type === 'wait')?.parameters).toMatchObject({ amount: 2, unit: 'seconds' });
    const loop = importFile('Workflow_loop.json');
    expect(loop.def.nodes.find((n) => n.type === 'wait')?.parameters).toMatchObject({ amount: 2, unit: 'seconds' });
    // Its Loop Over Items (Split In Batches 3) is Weft's own node now, with its batch size.
    expect(loop.warnings.some((w) => w.includes('splitInBatches'))).toBe(false);
    expect(loop.def.nodes.find((n) => n.name === 'Loop Over Items')?.type).toBe('splitInBatches');
    const hook = importFile('Webhook_wait_set.json').def.nodes.find((n) => n.type === 'webhook');
    expect(hook?.parameters).toMatchObject({ path: '23fc3930-b8f9-41d9-89db-b647291a2201', httpMethod: 'GET' });
    const code = importFile('error_outputs.json').def.nodes.find((n) => n.name === 'Throw Error');
    expect(code?.parameters.mode).toBe('runOnceForEachItem');
    expect(String(code?.parameters.jsCode)).toContain('throw new Error');
  });
});

describe('n8n import: bad input', () => {
  it('rejects a file that is not an n8n workflow with a message naming the field', () => {
    try {
      fromN8n({ nodes: [{ name: '', type: 'x' }], connections: {} });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).issues[0]?.message).toContain('nodes.0.name');
    }
  });

  it('leaves out connections to missing nodes and outputs Weft does not have, saying so', () => {
    const { definition, warnings } = fromN8n({
      name: 'Broken',
      nodes: [
        { name: 'Go', type: 'n8n-nodes-base.manualTrigger', position: [0, 0], parameters: {} },
        { name: 'Pass', type: 'n8n-nodes-base.noOp', position: [200, 0], parameters: {} },
      ],
      connections: {
        Go: { main: [[{ node: 'Pass', type: 'main', index: 0 }], [{ node: 'Pass', type: 'main', index: 0 }]] },
        Pass: { main: [[{ node: 'Nowhere', type: 'main', index: 0 }]] },
        Ghost: { main: [[{ node: 'Pass', type: 'main', index: 0 }]] },
      },
    });
    expect(definition.edges).toHaveLength(1);
    expect(warnings.map((w) => w.message)).toEqual([
      '"Go" has no output 2 in Weft; its connection to "Pass" was left out',
      'A connection from "Pass" to a missing node "Nowhere" was left out',
      'Connections from "Ghost", a node that does not exist, were left out',
    ]);
  });

  it('replaces parameter values that do not fit with the default and says which', () => {
    const { definition, warnings } = fromN8n({
      nodes: [{ name: 'Cap', type: 'n8n-nodes-base.limit', parameters: { maxItems: 'lots', keep: 'middle' } }],
      connections: {},
    });
    expect(definition.nodes[0]?.parameters).toEqual({});
    expect(warnings.map((w) => w.message)).toEqual([
      'Node "Cap": "maxItems" must be a number, not a string; the default is used',
      'Node "Cap": "keep" must be one of firstItems, lastItems (got "middle"); the default is used',
    ]);
  });

  it("names the n8n expression features a node uses that Weft's expressions do not have", () => {
    const { warnings } = fromN8n({
      nodes: [
        {
          name: 'Stamp',
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          parameters: {
            assignments: {
              assignments: [
                {
                  name: 'day',
                  value: "={{ $now.minus({ days: 1 }).setLocale('de').toFormat('cccc') }}",
                  type: 'string',
                },
                { name: 'from', value: '={{ $node["Start"].json.id }}', type: 'string' },
                { name: 'param', value: '={{ $node["Start"].parameter.path }}', type: 'string' },
                { name: 'plain', value: 'DateTime.now() is only text here', type: 'string' },
              ],
            },
          },
        },
        {
          name: 'Script',
          type: 'n8n-nodes-base.code',
          typeVersion: 2,
          parameters: { jsCode: 'const key = $env.API_KEY;\nreturn $input.all();' },
        },
        {
          name: 'Fine',
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          parameters: {
            assignments: {
              assignments: [
                { name: 'ok', value: "={{ $('Start').item.json.id + $now.toMillis() }}", type: 'string' },
                { name: 'zone', value: "={{ DateTime.now().setZone('Europe/Berlin').toISO() }}", type: 'string' },
                { name: 'span', value: '={{ Duration.fromObject({ hours: 2 }).as("minutes") }}', type: 'number' },
                // Paired items and n8n's legacy names and helpers work in Weft: no warning.
                { name: 'body', value: "={{ $('Webhook').item.json.body }}", type: 'object' },
                { name: 'match', value: "={{ $('Start').itemMatching(0).json.id }}", type: 'string' },
                { name: 'legacy', value: "={{ $items('Start').length + $item(0).$json.id }}", type: 'string' },
                { name: 'helpers', value: "={{ $ifEmpty($jmespath($json, 'a.b'), $if(true, 1, 2)) }}", type: 'string' },
              ],
            },
          },
        },
      ],
      connections: {},
    });
    expect(warnings.map((w) => w.message)).toEqual([
      // $node["Start"].parameter is no longer named: Weft's expressions have a node's parameters (and $runIndex);
      // nor is Luxon's setLocale: its locale formatting is Node's ICU, as in n8n.
      'Node "Script": its expressions or code use $env, which Weft does not have',
    ]);
  });

  it("names the node functions a legacy Function node's code uses, which Weft's sandbox does not have", () => {
    const { warnings } = fromN8n({
      nodes: [
        {
          name: 'Legacy',
          type: 'n8n-nodes-base.function',
          typeVersion: 1,
          parameters: { functionCode: "const s = getWorkflowStaticData('global');\nreturn items;" },
        },
        {
          name: 'Fine',
          type: 'n8n-nodes-base.functionItem',
          typeVersion: 1,
          parameters: { functionCode: 'item.helpersCount = 1;\nreturn item;' },
        },
      ],
      connections: {},
    });
    expect(warnings.map((w) => w.message)).toEqual([
      'Node "Legacy": its expressions or code use n8n\'s node functions (getNodeParameter, getWorkflowStaticData, helpers, binary data, require), which Weft does not have',
    ]);
  });
});

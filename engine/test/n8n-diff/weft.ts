import { fromN8n } from '#shared/interop/n8n/index.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import { nodePorts } from '#shared/nodes/ports.ts';
import { MAIN } from '#shared/nodes/types.ts';
import { fromDefinition } from '#shared/schema/from-definition.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import { pairedItemsOfRun, pairingSourceOfRun } from '../../src/runner/paired-items.ts';
import { NodeError, type Credential, type NodeExecutor, type SubworkflowCaller } from '../../src/runner/types.ts';
import { childAnswer } from '../../src/nodes/child-output.ts';
import { allowLoopback, meta, outboundClients, run } from '../harness.ts';
import type { EngineResult, NodeRunOutcome } from './outcome.ts';
import { customDataOutcome, responseOutcome } from './reference.ts';

/**
 * An n8n workflow through Weft: the importer (fromN8n), the definition's
 * validation, then the engine's runner with the real nodes and sandbox, from
 * the workflow's trigger, as the engine runs a saved snapshot.
 */

/** n8n's test-only node (`n8n-nodes-testing.testData`): its `data` parameter as items, as the reference's stand-in does. */
export const TEST_DATA_TYPE = 'n8n-nodes-testing.testData';
const testData: NodeExecutor = (ctx) => {
  const data = ctx.node.parameters.data;
  // Through JSON as the reference's parameters are: a generator's repeated value is then two equal
  // objects, never one shared (Summarize's count unique tells them apart, as a Set does).
  const rows = JSON.parse(typeof data === 'string' ? data : JSON.stringify(data ?? null)) as unknown;
  return { [MAIN]: (Array.isArray(rows) ? rows : []).map((json) => ({ json: json as Record<string, unknown> })) };
};

/**
 * Execute Workflow in the harness: the case's sub-workflows (n8n JSON by id, `subworkflows` beside the
 * workflow) imported and run in process from their Execute Workflow Trigger, as the engine runs an inline
 * child; the answer is the child's last node's outputs by index.
 */
const subworkflowsOf = (subworkflows: Record<string, unknown>, now?: number): SubworkflowCaller => {
  const caller: SubworkflowCaller = async (_nodeId, request, signal) => {
    const child = subworkflows[request.workflowId];
    if (child === undefined) throw new NodeError(`Workflow ${request.workflowId} does not exist`);
    if (!request.wait) return { executionId: 'child' };
    const valid = validateDefinition(fromN8n(child).definition);
    if (!valid.ok) throw new NodeError(`the sub-workflow does not import: ${valid.issues[0]?.message ?? ''}`);
    const trigger = valid.definition.nodes.find((n) => n.type === 'executeWorkflowTrigger' && !n.disabled);
    if (!trigger) throw new NodeError('the sub-workflow has no Execute Workflow Trigger');
    const result = await run(valid.definition, {
      extraExecutors: { [TEST_DATA_TYPE]: testData },
      meta: { ...meta, execution: { id: 'child', mode: 'subworkflow' } },
      startNodeId: trigger.id,
      triggerItems: request.items,
      signal,
      subworkflow: caller,
      ...(now === undefined ? {} : { now: () => now }),
    });
    if (result.status !== 'succeeded') throw new NodeError(result.error ?? 'the sub-workflow failed');
    return childAnswer('child', valid.definition, result.runs);
  };
  return caller;
};

const asJson = (value: unknown): unknown =>
  value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);

/**
 * The credentials the harness wrote into the n8n workflow (`credentials.<type>.data`, which the reference
 * hands n8n's node): Weft's import leaves n8n credentials out, so the run is given them as the server would
 * (a credential id on the node, its secret in the job). n8n's credential types are Weft's, field for field
 * (MySQL's by another name).
 */
const weftCredentialType: Record<string, string> = { mySql: 'mysql' };

const credentialsOf = (workflow: unknown) => {
  const byId = new Map<string, Credential>();
  const byNode = new Map<string, Record<string, string>>();
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  for (const node of Array.isArray(nodes) ? (nodes as { name?: unknown; credentials?: unknown }[]) : []) {
    const own = Object.entries((node.credentials ?? {}) as Record<string, { data?: Record<string, unknown> }>);
    const slots: Record<string, string> = {};
    for (const [type, { data }] of own) {
      if (!data) continue;
      const id = `diff-${type}-${String(node.name)}`;
      byId.set(id, { type: weftCredentialType[type] ?? type, ...data } as Credential);
      slots[type] = id;
    }
    if (Object.keys(slots).length > 0) byNode.set(String(node.name), slots);
  }
  return { byId, byNode };
};

export interface WeftRun {
  result: EngineResult;
  /** What the import said it could not carry over. */
  warnings: string[];
  /** n8n node types Weft has no node for (other than the test-only input node). */
  unsupportedTypes: string[];
}

/**
 * `now`: the run's clock (epoch ms), as the reference pins n8n's.
 * `viaDocument`: run the definition as a stored workflow gives it — imported
 * into a workflow document and read back (fromDefinition → toDefinition), as
 * the server runs a room — rather than the importer's definition itself.
 */
export const runInWeft = async (
  workflow: unknown,
  now?: number,
  viaDocument = false,
  /** Read/Write Files' folder for this run. */
  filesDir?: string,
): Promise<WeftRun> => {
  let imported;
  try {
    imported = fromN8n(workflow);
  } catch (e) {
    return { result: { ok: false, reason: `import: ${String(e)}` }, warnings: [], unsupportedTypes: [] };
  }
  const warnings = imported.warnings.map((w) => w.message);
  const unsupportedTypes = [
    ...new Set(
      imported.definition.nodes.map((n) => n.type).filter((t) => t !== TEST_DATA_TYPE && !getNodeDefinition(t)),
    ),
  ];
  const valid = validateDefinition(imported.definition);
  if (!valid.ok) {
    return {
      result: { ok: false, reason: `definition: ${valid.issues.map((i) => i.message).join('; ')}` },
      warnings,
      unsupportedTypes,
    };
  }
  const definition = viaDocument ? toDefinition(fromDefinition(valid.definition).doc) : valid.definition;
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const secrets = credentialsOf(workflow);
  for (const n of definition.nodes) {
    const own = secrets.byNode.get(n.name);
    if (own) n.credentials = own;
  }
  try {
    // As n8n's test harness starts a run: the trigger hands on one empty item.
    const result = await run(definition, {
      extraExecutors: { [TEST_DATA_TYPE]: testData },
      triggerItems: [{ json: {} }],
      // The HTTP Request family's server is on 127.0.0.1, which the engine refuses unless allowed.
      outbound: outboundClients.for(allowLoopback),
      credential: (id) => {
        const secret = secrets.byId.get(id);
        return secret ? Promise.resolve(secret) : Promise.reject(new Error(`no credential ${id}`));
      },
      ...(now === undefined ? {} : { now: () => now }),
      ...(filesDir === undefined ? {} : { filesDir }),
      subworkflow: subworkflowsOf((workflow as { subworkflows?: Record<string, unknown> }).subworkflows ?? {}, now),
    });
    const nodes: Record<string, NodeRunOutcome[]> = {};
    // A pairing to an extra source (Loop Over Items) as the reference shows n8n's sourceOverwrite.
    const withSource = (r: object, p: { item: number; input?: number }) => {
      const source = p.input === undefined ? undefined : pairingSourceOfRun(r, p.input);
      if (!source) return p;
      const producer = definition.nodes.find((n) => n.name === source.node);
      const index = producer ? nodePorts(producer).outputs.findIndex((o) => o.name === source.output) : 0;
      return { item: p.item, source: `${source.node}/${Math.max(index, 0)}/${source.runIndex}` };
    };
    for (const r of result.runs) {
      const node = byId.get(r.nodeId);
      const ports = node ? nodePorts(node).outputs.map((p) => p.name) : Object.keys(r.output);
      // Handles the node's ports do not list (an unsupported node's) come after, in their own order.
      const names = [...ports, ...Object.keys(r.output).filter((k) => !ports.includes(k))];
      (nodes[r.name] ??= []).push({
        // An item is its json, or { json, binary } when it carries files (as the reference shows n8n's).
        outputs: names.map((handle) =>
          (r.output[handle] ?? []).map((i) =>
            i.binary && Object.keys(i.binary).length > 0 ? asJson({ json: i.json, binary: i.binary }) : asJson(i.json),
          ),
        ),
        paired: names.map((handle) =>
          (r.output[handle] ?? []).map((_, i) => {
            const pairing = pairedItemsOfRun(r, handle)[i];
            return pairing ? pairing.map((p) => withSource(r, p)) : null;
          }),
        ),
        error: r.status === 'failed' ? (r.error ?? 'failed') : null,
      });
    }
    Object.assign(nodes, customDataOutcome(result.customData));
    // The answer the engine hands the server (RunResult.response), as the reference shows n8n's.
    if (result.response) {
      const { status, headers, body } = result.response;
      Object.assign(nodes, responseOutcome([{ statusCode: status, headers, body: asJson(body) }]));
    }
    return {
      result: {
        ok: true,
        nodes,
        error: result.status === 'failed' ? (result.error ?? 'failed') : null,
        failedNode: result.status === 'failed' ? (result.failedNode ?? null) : null,
      },
      warnings,
      unsupportedTypes,
    };
  } catch (e) {
    return { result: { ok: false, reason: `engine: ${String(e)}` }, warnings, unsupportedTypes };
  }
};

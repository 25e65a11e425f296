'use strict';
// n8n's real engine as a reference for Weft's differential tests (engine/test/n8n-diff).
// Reads one JSON object per line on stdin: { "id": any, "workflow": <n8n workflow JSON> },
// runs it with n8n-core's WorkflowExecute and n8n-nodes-base's node classes the way n8n's own
// node-test-harness does (pinData removed, mode manual, start node fed one empty item), and
// writes one line per case on stdout: { "ref": id, "ok": true, "status", "nodes", "error" } where
// nodes[name] is every run of that node: { "outputs": [[json, ...], ...] (every output index),
// "error": { "message", "description" } }, and "responses": what Respond to Webhook nodes sent
// through the sendResponse hook ({ body, headers, statusCode }). Cases are run one after another in this process,
// since loading n8n takes seconds. Anything n8n or its nodes print goes to stderr, so stdout
// carries answers only.
const path = require('path');
process.env.N8N_USER_FOLDER = process.env.N8N_USER_FOLDER || path.join(__dirname, '.n8n-user');
process.env.TZ = process.env.TZ || 'UTC';
const readline = require('readline');

const out = process.stdout.write.bind(process.stdout);
for (const level of ['log', 'info', 'debug', 'warn', 'trace']) console[level] = (...args) => console.error(...args);

const { Workflow, setGlobalState } = require('n8n-workflow');
const { Settings: LuxonSettings } = require('luxon');
// n8n's instance zone, for workflows whose zone is "DEFAULT": GENERIC_TIMEZONE as n8n reads it.
const defaultTimezone = process.env.GENERIC_TIMEZONE || 'America/New_York';
setGlobalState({ defaultTimezone });
const { WorkflowExecute, ExecutionLifecycleHooks } = require('n8n-core');

const nodesDir = path.join(path.dirname(require.resolve('n8n-nodes-base/package.json')), 'dist/nodes');
// n8n type (without "n8n-nodes-base.") → compiled class file. Types not listed are looked up as
// <Name>/<Name>.node.js with the first letter capitalised.
const FILES = {
  limit: 'Transform/Limit/Limit.node.js',
  removeDuplicates: 'Transform/RemoveDuplicates/RemoveDuplicates.node.js',
  sort: 'Transform/Sort/Sort.node.js',
  splitOut: 'Transform/SplitOut/SplitOut.node.js',
  aggregate: 'Transform/Aggregate/Aggregate.node.js',
  summarize: 'Transform/Summarize/Summarize.node.js',
  splitInBatches: 'SplitInBatches/SplitInBatches.node.js',
  scheduleTrigger: 'Schedule/ScheduleTrigger.node.js',
  executeWorkflow: 'ExecuteWorkflow/ExecuteWorkflow/ExecuteWorkflow.node.js',
  executeWorkflowTrigger: 'ExecuteWorkflow/ExecuteWorkflowTrigger/ExecuteWorkflowTrigger.node.js',
  readWriteFile: 'Files/ReadWriteFile/ReadWriteFile.node.js',
};

// Stand-in for n8n's test-only node `n8n-nodes-testing.testData`: emits parameters.data as items.
// It reads the raw parameter, so strings in the data that start with "=" stay text, not expressions.
class TestData {
  description = {
    displayName: 'Test Data', name: 'testData', group: ['transform'], version: 1, description: '',
    defaults: { name: 'Test Data' }, inputs: ['main'], outputs: ['main'],
    properties: [{ displayName: 'Data', name: 'data', type: 'json', default: [] }],
  };
  async execute() {
    const raw = this.getNode().parameters.data;
    const data = typeof raw === 'string' ? JSON.parse(raw) : raw;
    return [(Array.isArray(data) ? data : []).map((json) => ({ json }))];
  }
}

const cache = new Map();
function load(type) {
  if (cache.has(type)) return cache.get(type);
  let instance;
  if (type === 'n8n-nodes-testing.testData') instance = new TestData();
  else {
    if (!type.startsWith('n8n-nodes-base.')) throw new Error(`node type not loaded by this runner: ${type}`);
    const short = type.slice('n8n-nodes-base.'.length);
    const name = short.charAt(0).toUpperCase() + short.slice(1);
    const file = FILES[short] || `${name}/${name}.node.js`;
    let mod;
    try {
      mod = require(path.join(nodesDir, file));
    } catch {
      throw new Error(`node type not loaded by this runner: ${type}`);
    }
    // A module may export helpers before the class (Html exports capitalizeHeader first).
    instance = new (mod[name] || Object.values(mod)[0])();
  }
  cache.set(type, instance);
  return instance;
}
const nodeTypes = {
  getByName: load,
  getByNameAndVersion: (t, v) => {
    const n = load(t);
    return n.nodeVersions ? n.getNodeType(v) : n;
  },
  getKnownTypes: () => ({}),
};

// n8n 2.x runs Code through its task-runner broker, which is not started here. This stands in for
// additionalData.startRunnerTask the way n8n's JS task runner works: the code in a node:vm context
// built like n8n's (getSandboxContext: $input, $json, $('Node'), … plus `items` / `item`), the
// result sent back as JSON, each item of "once for each item" tagged with its pairedItem, errors
// as "message [line N, for item i]" (the runner's ExecutionError), failed items kept as
// { error } under continueOnFail. JsTaskRunnerSandbox's own result checks still apply.
const vm = require('vm');
const codeDir = path.join(nodesDir, 'Code');
const lineOf = (e) => /Code:(\d+)/.exec(String(e?.stack ?? ''))?.[1];
const runnerError = (e, itemIndex) => {
  const line = lineOf(e);
  const where = line === undefined ? '' : itemIndex === undefined ? ` [line ${line}]` : ` [line ${line}, for item ${itemIndex}]`;
  return { message: `${String(e?.message ?? e)}${where}`, description: e?.description ?? null, stack: String(e?.stack ?? '') };
};
async function startRunnerTask(_ad, jobType, settings, ctx) {
  if (jobType !== 'javascript') return { ok: false, error: { message: `no ${jobType} runner in this reference` } };
  const { getSandboxContext } = require(path.join(codeDir, 'Sandbox.js'));
  const runAt = async (index, extra) => {
    const context = vm.createContext({
      ...getSandboxContext.call(ctx, index), ...extra, module: { exports: {} }, console: { log() {}, info() {}, warn() {}, error() {} },
    });
    const script = new vm.Script(`module.exports = async function VmCodeWrapper() {${settings.code}\n}()`, { filename: 'Code' });
    script.runInContext(context);
    const result = await context.module.exports;
    return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  };
  if (settings.nodeMode === 'runOnceForEachItem') {
    const { startIndex, count } = settings.chunk;
    const results = [];
    for (let i = startIndex; i < startIndex + count; i++) {
      try {
        const result = await runAt(i, { item: ctx.getInputData()[i] });
        // The runner's own shape: the item's json (the result itself unless it has a json key), paired to item i.
        if (result && typeof result === 'object' && !Array.isArray(result)) {
          const json = 'json' in result ? result.json : result;
          results.push(result.binary ? { json, pairedItem: { item: i }, binary: result.binary } : { json, pairedItem: { item: i } });
        }
        else results.push(result);
      } catch (e) {
        const error = runnerError(e, i);
        if (!settings.continueOnFail) return { ok: false, error };
        results.push({ json: { error: error.message }, pairedItem: { item: i } });
      }
    }
    return { ok: true, result: results };
  }
  try {
    return { ok: true, result: await runAt(0, { items: ctx.getInputData() }) };
  } catch (e) {
    return { ok: false, error: runnerError(e) };
  }
}

const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
// pairedItem as a list of { item, input } (input left out for the first), null when there is none. A pairing
// with sourceOverwrite (Loop Over Items) names that source instead: { item, source: "node/output/run" }.
const pairingOf = (p) => {
  if (p === undefined || p === null) return null;
  return (Array.isArray(p) ? p : [p]).map((x) => {
    if (typeof x === 'number') return { item: x };
    const so = x && x.sourceOverwrite;
    if (so) return { item: x.item, source: `${so.previousNode}/${so.previousNodeOutput ?? 0}/${so.previousNodeRun ?? 0}` };
    return x && x.input ? { item: x.item, input: x.input } : { item: x && x.item };
  });
};
const errorOf = (e) => (e ? { message: String(e.message ?? e), description: e.description ?? null } : null);

// Sub-workflows a case carries (`subworkflows`: id → n8n workflow JSON): Execute Workflow's
// additionalData.executeWorkflow runs the one asked for with its own WorkflowExecute, from its Execute
// Workflow Trigger fed the items, as n8n's WorkflowExecuteAdditionalData.executeWorkflow does, and answers
// { executionId, data } with the data of the child's last executed node (every output). Runs kept by id
// answer getRunExecutionData (the node follows paired items back through the child).
async function runSubworkflow(subworkflows, childRuns, workflowInfo, options) {
  const child = subworkflows[workflowInfo.id];
  if (!child) throw new Error(`Workflow ${workflowInfo.id} does not exist`);
  const executionId = `child-${childRuns.size + 1}`;
  if (options && options.doNotWaitToFinish) return { executionId, data: [null] };
  const workflow = new Workflow({
    id: String(workflowInfo.id), nodes: child.nodes, connections: child.connections, active: false, nodeTypes,
    staticData: {}, settings: child.settings || {},
  });
  const trigger = child.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger' && !n.disabled);
  if (!trigger) throw new Error('Please make sure the workflow you are calling contains an Execute Workflow Trigger node');
  const hooks = new ExecutionLifecycleHooks('manual', executionId, child);
  const additionalData = baseAdditionalData(hooks, executionId, subworkflows, childRuns);
  const runExecutionData = {
    resultData: { runData: {} },
    executionData: {
      metadata: {}, contextData: {}, waitingExecution: {}, waitingExecutionSource: null,
      nodeExecutionStack: [{ node: trigger, data: { main: [options.inputData ?? [{ json: {} }]] }, source: null }],
    },
  };
  const run = await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
  childRuns.set(executionId, run.data);
  const rd = run.data.resultData;
  if (rd.error) throw rd.error instanceof Error ? rd.error : new Error(String(rd.error.message ?? rd.error));
  const last = rd.lastNodeExecuted ? rd.runData[rd.lastNodeExecuted] : undefined;
  const data = last && last.length > 0 ? last[last.length - 1].data?.main ?? [] : [];
  return { executionId, data };
}

function baseAdditionalData(hooks, executionId, subworkflows, childRuns) {
  return {
    hooks, executionId,
    restApiUrl: 'http://localhost/rest', instanceBaseUrl: 'http://localhost/', webhookBaseUrl: 'http://localhost/webhook',
    webhookWaitingBaseUrl: 'http://localhost/webhook-waiting', webhookTestBaseUrl: 'http://localhost/webhook-test',
    formWaitingBaseUrl: 'http://localhost/form-waiting', currentNodeExecutionIndex: 0, variables: {},
    // A case's credentials travel in its workflow (node.credentials[type].data, written by the harness): handed
    // to the node as n8n's credentials helper would hand it the decrypted ones.
    credentialsHelper: {
      getDecrypted: async (_data, nodeCredentials) => ({ ...(nodeCredentials && nodeCredentials.data) }),
      isCredentialUsableByNode: () => true,
    },
    executeWorkflow: (workflowInfo, _additional, options) => runSubworkflow(subworkflows, childRuns, workflowInfo, options),
    getRunExecutionData: async (id) => childRuns.get(id), getRuntimeCredential: async () => undefined, logAiEvent: () => {},
    startRunnerTask, getRunnerStatus: () => ({ available: true }),
  };
}

async function runCase(wf) {
  const workflow = new Workflow({
    id: 'diff', nodes: wf.nodes, connections: wf.connections, active: false, nodeTypes,
    staticData: {}, settings: wf.settings || {},
  });
  const hooks = new ExecutionLifecycleHooks('manual', 'diff', wf);
  // What a Respond to Webhook node hands n8n's webhook server ({ body, headers, statusCode }), in order.
  const responses = [];
  hooks.addHandler('sendResponse', (response) => { responses.push(plain(response)); });
  const additionalData = baseAdditionalData(hooks, 'diff', wf.subworkflows || {}, new Map());
  // n8n's own choice (manual and polling triggers first); else a trigger group node with no input
  // connection, such as a Webhook, which passes the one empty item on as if it had been called.
  const fed = new Set(Object.values(wf.connections).flatMap((c) => (c.main ?? []).flat().map((t) => t && t.node)));
  const start =
    workflow.getStartNode() ??
    wf.nodes.find((n) => !n.disabled && !fed.has(n.name) && (load(n.type).description.group ?? []).includes('trigger'));
  if (!start) throw new Error('the workflow has no start node');
  const runExecutionData = {
    resultData: { runData: {} },
    executionData: {
      metadata: {}, contextData: {}, waitingExecution: {}, waitingExecutionSource: null,
      nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
    },
  };
  const run = await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
  const rd = run.data.resultData;
  const nodes = {};
  for (const [name, runs] of Object.entries(rd.runData)) {
    nodes[name] = runs.map((r) => ({
      // An item is its json, or { json, binary } when it carries files (Weft's harness shows its items alike;
      // n8n's Merge gives combined items an empty binary, which is no file).
      outputs: (r.data?.main ?? []).map((items) => (items ?? []).map((i) => (i.binary && Object.keys(i.binary).length > 0 ? plain({ json: i.json, binary: i.binary }) : plain(i.json)))),
      paired: (r.data?.main ?? []).map((items) => (items ?? []).map((i) => pairingOf(i.pairedItem))),
      error: errorOf(r.error),
    }));
  }
  // The run's custom data (Execution Data, $execution.customData: n8n-core's execution-metadata.ts keeps it here).
  const customData = plain(rd.metadata ?? {});
  return { status: run.status, nodes, error: errorOf(rd.error), lastNode: rd.lastNodeExecuted ?? null, responses, customData };
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    let id = null;
    try {
      const msg = JSON.parse(line);
      id = msg.id ?? null;
      // n8n sets Luxon's default zone whenever it evaluates an expression and never resets it: set per case,
      // so a case does not read dates in the zone of the case before (what a fresh n8n would do).
      LuxonSettings.defaultZone = (msg.workflow && msg.workflow.settings && msg.workflow.settings.timezone) || defaultTimezone;
      // A pinned clock ("now"): Luxon and moment read Date.now, so both engines see the same current time.
      const realNow = Date.now;
      if (typeof msg.now === 'number') Date.now = () => msg.now;
      let result;
      try {
        result = await runCase(msg.workflow);
      } finally {
        Date.now = realNow;
      }
      out(JSON.stringify({ ref: id, ok: true, ...result }) + '\n');
    } catch (e) {
      out(JSON.stringify({ ref: id, ok: false, error: errorOf(e) }) + '\n');
    }
  });
});
rl.on('close', () => { queue.then(() => process.exit(0)); });
// Readiness: the harness waits for this line before timing cases.
out(JSON.stringify({ ref: 'ready', ok: true }) + '\n');

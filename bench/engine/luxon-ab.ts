import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt } from '../lib/stats.ts';

/**
 * `npm run bench:luxon-ab -- <other tree> [rounds] [zone]`: the Luxon expressions of
 * bench/engine/n8n-baseline/workflow-paired-luxon.json (and the operations they are made of) in this tree's
 * sandbox and in another checkout's (a `git worktree` of an older commit, its node_modules linked), in ONE
 * process, batches alternating A, B, B, A…: on a shared 2-core machine only alternation gives ratios worth
 * reading. Prints CPU µs per item (median of the rounds) side by side.
 */

const here = fileURLToPath(new URL('../..', import.meta.url));
const other = process.argv[2];
if (!other || !existsSync(join(other, 'engine/src'))) {
  process.stderr.write(
    'usage: luxon-ab.ts <path of another checkout of weft> [rounds] [time zone of the expressions]\n',
  );
  process.exit(2);
}
const ROUNDS = Number(process.argv[3] ?? 7);
/** The workflow's time zone the expressions run in (n8n's Settings.defaultZone). */
const ZONE = process.argv[4] ?? 'UTC';

/** Each runs over ITEMS items in one sandbox call, as Edit Fields evaluates an assignment. */
const CASES: Record<string, string> = {
  "workflow: $now.minus(…).setZone('Europe/Berlin').toFormat(…)":
    "$now.minus({ days: ($json.i ?? 0) % 7 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm')",
  'workflow: DateTime.fromISO(…).plus({ hours }).toISO()':
    "DateTime.fromISO('2024-01-15T10:20:30Z').plus({ hours: $json.n }).toISO()",
  'no Luxon: (($json.i ?? 0) * 37) % 100': '(($json.i ?? 0) * 37) % 100',
  '$now.minus({ days })': '$now.minus({ days: ($json.i ?? 0) % 7 })',
  "$now.setZone('Europe/Berlin')": "$now.setZone('Europe/Berlin')",
  "$now.toFormat('yyyy-MM-dd HH:mm')": "$now.toFormat('yyyy-MM-dd HH:mm')",
  "DateTime.fromISO('…')": "DateTime.fromISO('2024-01-15T10:20:30Z')",
  '$now.plus({ hours })': '$now.plus({ hours: $json.n })',
  '$now.toISO()': '$now.toISO()',
  'DateTime.fromObject({ year, month, day, hour })':
    'DateTime.fromObject({ year: 2024, month: 1, day: 15, hour: $json.n % 24 })',
  "Duration.fromObject({ hours }).toFormat('hh:mm')": "Duration.fromObject({ hours: $json.n }).toFormat('hh:mm')",
};
const ITEMS = 100;
const CALLS = 5;

interface SandboxLike {
  compile(shape: unknown, code: string, filename: string, time?: boolean): number;
  evaluate(ids: readonly number[], payload: string, scope: { metaText: string; now: number; zone: string }): string;
  dispose(): void;
}
interface Tree {
  name: string;
  sandbox: SandboxLike;
  ids: number[];
}

/** A module of either layout: the evaluator lived in engine/src until it moved to shared/src (issue 15). */
const evaluatorModule = (root: string, moved: string, before: string): Promise<Record<string, unknown>> =>
  import(join(root, existsSync(join(root, moved)) ? moved : before)) as Promise<Record<string, unknown>>;

/** A tree's sandbox as that tree makes one: through the engine's Node host, or (before it) directly. */
const treeSandbox = async (root: string): Promise<SandboxLike> => {
  const limits = { timeoutMs: 60_000 };
  if (existsSync(join(root, 'engine/src/sandbox/node-host.ts'))) {
    const host = (await import(join(root, 'engine/src/sandbox/node-host.ts'))) as {
      createSandbox(limits: { timeoutMs: number }): Promise<SandboxLike>;
    };
    return host.createSandbox(limits);
  }
  const sb = (await import(join(root, 'engine/src/sandbox/sandbox.ts'))) as {
    Sandbox: { create(limits: { timeoutMs: number }): Promise<SandboxLike> };
  };
  return sb.Sandbox.create(limits);
};

const load = async (name: string, root: string): Promise<Tree> => {
  const fs = (await evaluatorModule(
    root,
    'shared/src/sandbox/function-source.ts',
    'engine/src/sandbox/function-source.ts',
  )) as { EXPRESSION: unknown };
  const sandbox = await treeSandbox(root);
  const ids = Object.values(CASES).map((code) => sandbox.compile(fs.EXPRESSION, code, 'bench', true));
  return { name, sandbox, ids };
};

type Execute = (items: number) => Promise<void>;

/** workflow-paired-luxon.json imported and run by a tree's own import, runner, nodes and sandbox. */
const loadWorkflow = async (root: string): Promise<Execute> => {
  const at = (path: string) => import(join(root, path)) as Promise<Record<string, unknown>>;
  const { fromN8n } = (await at('shared/src/interop/n8n/index.ts')) as {
    fromN8n: (w: unknown) => { definition: unknown };
  };
  const { validateDefinition } = (await at('shared/src/schema/validate.ts')) as {
    validateDefinition: (d: unknown) => { ok: boolean; definition?: unknown };
  };
  const { ParameterResolver } = (await evaluatorModule(
    root,
    'shared/src/expressions/resolve.ts',
    'engine/src/expressions/resolve.ts',
  )) as {
    ParameterResolver: new (s: unknown) => unknown;
  };
  const { executors } = (await at('engine/src/nodes/registry.ts')) as { executors: unknown };
  const { runWorkflow } = (await at('engine/src/runner/run-workflow.ts')) as {
    runWorkflow: (o: Record<string, unknown>) => Promise<{ status: string; error?: string }>;
  };
  const sandbox = await treeSandbox(root);
  const resolver = new ParameterResolver(sandbox);
  const n8n = JSON.parse(
    readFileSync(join(here, 'bench/engine/n8n-baseline/workflow-paired-luxon.json'), 'utf8'),
  ) as unknown;
  const valid = validateDefinition(fromN8n(n8n).definition);
  if (!valid.ok) throw new Error(`${root}: the bench workflow does not import`);
  const meta = { workflow: { id: 'bench', name: 'bench', active: false }, execution: { id: 'bench', mode: 'manual' } };
  return async (items) => {
    const triggerItems = items > 1 ? Array.from({ length: items }, (_, i) => ({ json: { i } })) : undefined;
    const r = await runWorkflow({
      definition: valid.definition,
      executors,
      sandbox,
      resolver,
      meta,
      ...(triggerItems ? { triggerItems } : {}),
    });
    if (r.status !== 'succeeded') throw new Error(r.error);
  };
};

/** Whole executions of the bench workflow, CPU µs each: per round, a batch in each tree, alternating which goes first. */
const workflowRows = async (): Promise<string[]> => {
  const a = await loadWorkflow(resolve(other));
  const b = await loadWorkflow(here);
  const rows: string[] = [];
  for (const items of [1, 100]) {
    const n = items === 1 ? 200 : 4;
    const batch = async (run: Execute) => {
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await run(items);
      const used = process.cpuUsage(t0);
      return (used.user + used.system) / n;
    };
    await batch(a);
    await batch(b);
    const sa: number[] = [];
    const sb: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        sa.push(await batch(a));
        sb.push(await batch(b));
      } else {
        sb.push(await batch(b));
        sa.push(await batch(a));
      }
    }
    const ma = median(sa);
    const mb = median(sb);
    rows.push(
      `| workflow-paired-luxon.json, ${items} item${items === 1 ? '' : 's'}: CPU µs per execution | ${fmt(ma, 0)} | ${fmt(mb, 0)} | ${fmt(ma / mb, 2)}× |`,
    );
  }
  return rows;
};

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;

const main = async () => {
  const a = await load('other', resolve(other));
  const b = await load('this', here);
  const items = Array.from({ length: ITEMS }, (_, i) => ({ json: { i, n: (i * 37) % 100 } }));
  const payload = JSON.stringify({ items, refs: {} });
  const scope = { metaText: '{"workflow":{},"execution":{}}', now: Date.parse('2026-12-03T10:00:00Z'), zone: ZONE };
  // CPU time: the sandbox runs on this thread, and other processes on a busy machine count far less in it.
  const perItem = (t: Tree, k: number): number => {
    const id = t.ids[k] ?? -1;
    const t0 = process.cpuUsage();
    let out = '';
    for (let c = 0; c < CALLS; c++) out = t.sandbox.evaluate([id], payload, scope);
    const used = process.cpuUsage(t0);
    if (!out.includes('"v"')) throw new Error(`${t.name}: ${out.slice(0, 200)}`);
    return (used.user + used.system) / CALLS / ITEMS;
  };
  const names = Object.keys(CASES);
  const samples = names.map(() => ({ a: [] as number[], b: [] as number[] }));
  // Warm both (Luxon's load, JIT of the wasm) before anything counts.
  for (let k = 0; k < names.length; k++) {
    perItem(a, k);
    perItem(b, k);
  }
  for (let r = 0; r < ROUNDS; r++) {
    process.stderr.write(`round ${r + 1}/${ROUNDS}\n`);
    for (let k = 0; k < names.length; k++) {
      const s = samples[k];
      if (!s) continue;
      if (r % 2 === 0) {
        s.a.push(perItem(a, k));
        s.b.push(perItem(b, k));
      } else {
        s.b.push(perItem(b, k));
        s.a.push(perItem(a, k));
      }
    }
  }
  const rows = names.map((name, k) => {
    const s = samples[k] ?? { a: [], b: [] };
    const ma = median(s.a);
    const mb = median(s.b);
    return `| ${name} | ${fmt(ma, 1)} | ${fmt(mb, 1)} | ${fmt(ma / mb, 2)}× |`;
  });
  a.sandbox.dispose();
  b.sandbox.dispose();
  process.stderr.write('the whole workflow\n');
  const whole = await workflowRows();
  process.stdout.write(
    `${[`| expression, ${ITEMS} items per call: CPU µs per item | other tree | this tree | speed-up |`, '| --- | --- | --- | --- |', ...rows, ...whole].join('\n')}\n`,
  );
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { fmt } from '../lib/stats.ts';
import { createSandbox } from '../../engine/src/sandbox/node-host.ts';

/**
 * `node --import tsx bench/engine/luxon-ops.ts`: what single Luxon operations
 * cost inside the sandbox (CPU µs each, the median of 9 calls that repeat
 * the operation 300 times), so a change to the sandbox's Luxon can be measured
 * without the rest of the engine (run it on the old and the new code, in
 * turns, on a calm machine).
 */

const OPS: Record<string, string> = {
  'DateTime.fromMillis': 'DateTime.fromMillis(1705314030000 + i)',
  '$now.minus({ days: 1 })': '$now.minus({ days: 1 })',
  "setZone('Europe/Berlin')": "$now.setZone('Europe/Berlin')",
  "toFormat('yyyy-MM-dd HH:mm')": "$now.toFormat('yyyy-MM-dd HH:mm')",
  'the README expression': "$now.minus({ days: 1 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm')",
  'DateTime.fromISO(…).plus({ days }).toISODate()':
    "DateTime.fromISO('2024-01-15T10:20:30Z').plus({ days: i % 30 }).toISODate()",
  'Duration.fromObject({ hours })': 'Duration.fromObject({ hours: i })',
};
const REPEAT = 300;
const CALLS = 9;

const main = async () => {
  const sandbox = await createSandbox({ timeoutMs: 30_000 });
  const scope = {
    metaText: '{"workflow":{},"execution":{}}',
    now: Date.parse('2026-12-03T10:00:00Z'),
    zone: 'America/New_York',
  };
  const payload = JSON.stringify({ items: [{ json: {} }], refs: {} });
  const time = (code: string): number => {
    const id = sandbox.compile(EXPRESSION, code, 'bench', true);
    // CPU time, not wall time: the sandbox runs on this thread, and other processes on a busy machine then
    // count far less.
    const t0 = process.cpuUsage();
    sandbox.evaluate([id], payload, scope);
    const used = process.cpuUsage(t0);
    return used.user + used.system;
  };
  time('$now.toISO()'); // loads Luxon
  const rows: string[] = [];
  for (const [name, op] of Object.entries(OPS)) {
    const loop = `(() => { let x; for (let i = 0; i < ${REPEAT}; i++) x = ${op}; return typeof x; })()`;
    const empty = `(() => { let x; for (let i = 0; i < ${REPEAT}; i++) x = i; return typeof x; })()`;
    const runs: number[] = [];
    for (let c = 0; c < CALLS; c++) runs.push((time(loop) - time(empty)) / REPEAT);
    runs.sort((a, b) => a - b);
    rows.push(`| ${name} | ${fmt(runs[Math.floor(CALLS / 2)] ?? Number.NaN, 1)} µs |`);
  }
  sandbox.dispose();
  process.stdout.write(`${['| operation in the sandbox | each |', '| --- | --- |', ...rows].join('\n')}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

import { readFileSync } from 'node:fs';

/**
 * Self time per function of a V8 .cpuprofile (node --cpu-prof), as shares of
 * the profile, and of the inclusive ("total") time of a few named frames:
 *
 *   node --import tsx bench/sync/cpu-profile-summary.ts <file.cpuprofile> [top=25] [frame,frame…] [fromS] [toS]
 *
 * fromS/toS keep only samples taken that many seconds after the profile started (to leave out
 * the server's start-up and look at the steady state of a scenario).
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const [file, topArg, framesArg, fromArg, toArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [top] [frames]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
const fromUs = Number(fromArg ?? 0) * 1e6;
const toUs = toArg === undefined ? Number.POSITIVE_INFINITY : Number(toArg) * 1e6;
let at = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (at >= fromUs && at <= toUs) selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
});
const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = [...selfUs.entries()]
  .filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)?.callFrame.functionName ?? ''))
  .reduce((a, [, us]) => a + us, 0);
const busy = total - idle;
const self = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n || n.callFrame.functionName === '(idle)') continue;
  self.set(label(n), (self.get(label(n)) ?? 0) + us);
}
console.log(`profile ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(2)} s (excluding idle and program)`);
for (const [name, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  console.log(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
// Inclusive time of named frames: the samples whose stack contains one.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
for (const frame of (framesArg ?? '').split(',').filter(Boolean)) {
  let us = 0;
  for (const [id, t] of selfUs) {
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      if (byId.get(p)?.callFrame.functionName === frame) {
        us += t;
        break;
      }
    }
  }
  console.log(`total in ${frame}: ${(us / 1000).toFixed(0)} ms (${((us / busy) * 100).toFixed(1)} % of busy)`);
}

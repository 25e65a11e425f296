import { readdirSync, readFileSync } from 'node:fs';
import { runFanout } from './fanout.ts';
import { startWeft } from './processes.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const threads = (pid: number) =>
  Object.fromEntries(
    readdirSync(`/proc/${pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [`${tid}:${name}`, (Number(f[11]) + Number(f[12])) / 100];
    }),
  );
const weft = await startWeft({ WEFT_FLUSH_INTERVAL_MS: '4' });
const token = await weftToken(weft.httpBase);
const id = await weftWorkflow(weft.httpBase, token, 'fanout');
const before = threads(weft.pid);
const w = await runFanout(weft, `${weft.wsBase}/${id}?token=${token}`, 100, { seconds: 8, warmup: 1, rate: 5 });
const after = threads(weft.pid);
for (const k of Object.keys(after)) {
  const d = (after[k] ?? 0) - (before[k] ?? 0);
  if (d > 0.05) console.log(k, d.toFixed(2), 's');
}
const f = readFileSync(`/proc/${weft.pid}/stat`, 'utf8').slice(0).split(') ')[1]?.split(' ');
console.log('utime', f?.[11], 'stime', f?.[12], 'us/deliv', w.cpuMicrosPerDelivery.toFixed(2));
await weft.stop();

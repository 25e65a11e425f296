import { BenchClient } from './bench-client.ts';
import { cpuSeconds, rssBytes, startReference, startWeft, type ServerProcess } from './processes.ts';
import { sleep } from './stats.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const run = async (label: string, server: ServerProcess, url: string) => {
  const writers = Array.from(
    { length: 4 },
    (_, i) => new BenchClient({ url, index: i, padding: 10240, onDelivery: () => {} }),
  );
  await Promise.all(writers.map((w) => w.whenSynced));
  await sleep(500);
  const start = rssBytes(server.pid);
  let peak = start;
  const c0 = cpuSeconds(server.pid);
  const timers = writers.map((w) => setInterval(() => w.edit(), 20));
  for (let i = 0; i < 60; i++) {
    await sleep(250);
    peak = Math.max(peak, rssBytes(server.pid));
  }
  console.log(
    label,
    'growth MB',
    ((peak - start) / 1048576).toFixed(1),
    'cpu%',
    (((cpuSeconds(server.pid) - c0) / 15) * 100).toFixed(0),
  );
  for (const t of timers) clearInterval(t);
  for (const w of writers) w.close();
  await server.stop();
};
for (const semi of ['', '2']) {
  const weft = await startWeft({}, undefined, semi ? [`--max-semi-space-size=${semi}`] : []);
  const token = await weftToken(weft.httpBase);
  const id = await weftWorkflow(weft.httpBase, token, 'slow');
  await run(`weft semi=${semi || 'default'}`, weft, `${weft.wsBase}/${id}?token=${token}`);
}
const ref = await startReference();
await run('reference', ref, `${ref.wsBase}/x`);

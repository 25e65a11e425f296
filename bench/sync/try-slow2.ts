import { BenchClient } from './bench-client.ts';
import { Inspector } from './inspector.ts';
import { freePort, rssBytes, startWeft } from './processes.ts';
import { sleep } from './stats.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const ip = await freePort();
const weft = await startWeft({}, undefined, [`--inspect=127.0.0.1:${ip}`]);
const insp = await Inspector.connect(ip);
const token = await weftToken(weft.httpBase);
const id = await weftWorkflow(weft.httpBase, token, 'slow');
const url = `${weft.wsBase}/${id}?token=${token}`;
const writers = Array.from(
  { length: 4 },
  (_, i) => new BenchClient({ url, index: i, padding: 10240, onDelivery: () => {} }),
);
await Promise.all(writers.map((w) => w.whenSynced));
const start = rssBytes(weft.pid);
const timers = writers.map((w) => setInterval(() => w.edit(), 20));
const mem = async () => {
  const r = await insp.memoryAfterGc();
  return `rss ${(rssBytes(weft.pid) / 1048576).toFixed(1)} (gc'd: rss ${(r.rss / 1048576).toFixed(1)} heap ${(r.heapUsed / 1048576).toFixed(1)} ext ${(r.external / 1048576).toFixed(1)})`;
};
for (let i = 0; i < 5; i++) {
  await sleep(3000);
  console.log(
    `t=${(i + 1) * 3}s rss ${(rssBytes(weft.pid) / 1048576).toFixed(1)} start ${(start / 1048576).toFixed(1)}`,
  );
}
console.log('end', await mem());
for (const t of timers) clearInterval(t);
for (const w of writers) w.close();
insp.close();
await weft.stop();

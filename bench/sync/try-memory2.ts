import { BenchClient } from './bench-client.ts';
import { rssBytes, startReference, startWeft } from './processes.ts';
import { sleep } from './stats.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const docs = 500;
const mb = (pid: number) => (rssBytes(pid) / 1048576).toFixed(1);
const metrics = async (base: string, token: string) => {
  if (!token) return '';
  const m = (await (
    await fetch(`${base}/api/admin/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { rooms: number; memory: Record<string, number> };
  const f = (k: string) => ((m.memory[k] ?? 0) / 1048576).toFixed(1);
  return `[rooms ${m.rooms} heapUsed ${f('heapUsed')} heapTotal ${f('heapTotal')} external ${f('external')} malloced ${f('mallocedMemory')}]`;
};
for (const which of ['weft'] as const) {
  const server = which === 'weft' ? await startWeft() : await startReference();
  const token = which === 'weft' ? await weftToken(server.httpBase) : '';
  const urls: string[][] = [];
  for (let r = 0; r < 3; r++) {
    const round: string[] = [];
    for (let i = 0; i < docs; i++)
      round.push(
        which === 'weft'
          ? `${server.wsBase}/${await weftWorkflow(server.httpBase, token, `d${r}-${i}`)}?token=${token}`
          : `${server.wsBase}/d${r}-${i}`,
      );
    urls.push(round);
  }
  await sleep(3000);
  console.log(which, 'baseline', mb(server.pid), await metrics(server.httpBase, token));
  for (let r = 0; r < 3; r++) {
    const clients: BenchClient[] = [];
    for (const url of urls[r] ?? [])
      for (let k = 0; k < 2; k++) clients.push(new BenchClient({ url, index: clients.length }));
    await Promise.all(clients.map((c) => c.whenSynced));
    for (let i = 0; i < clients.length; i += 2) clients[i]?.edit();
    await sleep(2000);
    const loaded = mb(server.pid);
    for (const c of clients) c.close();
    const samples: string[] = [];
    for (let s = 0; s < 6; s++) {
      await sleep(5000);
      samples.push(mb(server.pid));
    }
    console.log(
      which,
      'round',
      r,
      'loaded',
      loaded,
      'after leave (5s steps)',
      samples.join(' '),
      await metrics(server.httpBase, token),
    );
  }
  await server.stop();
}

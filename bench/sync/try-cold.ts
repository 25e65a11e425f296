import * as Y from 'yjs';
import { buildUpdateStream, coldSync, leave, summarize, writeStream, type ColdSyncSample } from './cold-sync.ts';
import { startReference, startWeft } from './processes.ts';
import { sleep } from './stats.ts';
import { storedDoc, weftToken, weftWorkflow } from './weft-setup.ts';

const t0 = performance.now();
const stream = buildUpdateStream(20_000);
console.log(
  'stream built',
  stream.updates.length,
  'updates in',
  (performance.now() - t0).toFixed(0),
  'ms; final state',
  stream.finalState.length,
  'bytes',
);

const weft = await startWeft({ WEFT_COMPACT_EVERY: '1000000', WEFT_ROOM_UNLOAD_MS: '300' });
const token = await weftToken(weft.httpBase);
const id = await weftWorkflow(weft.httpBase, token, 'cold');
const url = `${weft.wsBase}/${id}?token=${token}`;
const t1 = performance.now();
const writer = await writeStream(url, stream.updates);
console.log('weft wrote stream in', (performance.now() - t1).toFixed(0), 'ms');
const before = storedDoc(weft.dataDir, id);
await leave(writer);
const rooms = async () =>
  (
    (await (
      await fetch(`${weft.httpBase}/api/admin/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { rooms: number }
  ).rooms;
while ((await rooms()) > 0) await sleep(50);
const after = storedDoc(weft.dataDir, id);
const samples: ColdSyncSample[] = [];
let encoded = 0;
for (let i = 0; i < 5; i++) {
  const s = await coldSync(url, stream.writer);
  encoded = Y.encodeStateAsUpdate(s.doc).length;
  samples.push(s);
  while ((await rooms()) > 0) await sleep(50);
}
console.log(
  'weft',
  JSON.stringify({
    before,
    after,
    encoded,
    ratio: (after.snapshotBytes + after.logBytes) / encoded,
    ...summarize(samples),
  }),
);
await weft.stop();

const ref = await startReference({ YPERSISTENCE: './leveldb' });
const rurl = `${ref.wsBase}/cold`;
const rw = await writeStream(rurl, stream.updates);
await leave(rw);
await sleep(1000);
const rs: ColdSyncSample[] = [];
for (let i = 0; i < 5; i++) {
  rs.push(await coldSync(rurl, stream.writer));
  await sleep(1000);
}
console.log('reference', JSON.stringify(summarize(rs)));
await ref.stop();

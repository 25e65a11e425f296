import { runFanout } from './fanout.ts';
import { startReference, startWeft } from './processes.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const n = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 10);
const weft = await startWeft({ WEFT_FLUSH_INTERVAL_MS: process.env.F ?? '4' });
const token = await weftToken(weft.httpBase);
const id = await weftWorkflow(weft.httpBase, token, 'fanout');
const w = await runFanout(weft, `${weft.wsBase}/${id}?token=${token}`, n, { seconds, warmup: 2, rate: 5 });
await weft.stop();
const ref = await startReference();
const r = await runFanout(ref, `${ref.wsBase}/fanout`, n, { seconds, warmup: 2, rate: 5 });
await ref.stop();
for (const x of [w, r]) {
  const { lastSeqSent: _l, ...rest } = x;
  console.log(JSON.stringify(rest));
}

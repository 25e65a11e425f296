import { startReference, startWeft } from './processes.ts';
import { runSlowReader } from './slow-reader.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const opts = { seconds: Number(process.argv[2] ?? 20), writers: 4, updateBytes: 10 * 1024, rate: 50 };
const weft = await startWeft();
const token = await weftToken(weft.httpBase);
const id = await weftWorkflow(weft.httpBase, token, 'slow');
console.log(JSON.stringify(await runSlowReader(weft, `${weft.wsBase}/${id}?token=${token}`, opts)));
await weft.stop();
const ref = await startReference();
console.log(JSON.stringify(await runSlowReader(ref, `${ref.wsBase}/slow`, opts)));
await ref.stop();

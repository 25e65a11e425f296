import { runFanout } from './fanout.ts';
import { startWeft } from './processes.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const weft = await startWeft({}, undefined, ['--cpu-prof', '--cpu-prof-dir=/tmp/weft-prof']);
const token = await weftToken(weft.httpBase);
const id = await weftWorkflow(weft.httpBase, token, 'fanout');
const w = await runFanout(weft, `${weft.wsBase}/${id}?token=${token}`, 100, { seconds: 8, warmup: 1, rate: 5 });
await weft.stop('SIGINT');
console.log(w.cpuMicrosPerDelivery, w.p99);

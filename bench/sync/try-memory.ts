import { Inspector } from './inspector.ts';
import { runMemory } from './memory.ts';
import { freePort, startReference, startWeft } from './processes.ts';
import { weftToken, weftWorkflow } from './weft-setup.ts';

const docs = 500;
{
  const ip = await freePort();
  const weft = await startWeft({}, undefined, [`--inspect=127.0.0.1:${ip}`]);
  const inspector = await Inspector.connect(ip);
  const token = await weftToken(weft.httpBase);
  const rounds: string[][] = [];
  for (let r = 0; r < 2; r++) {
    const urls: string[] = [];
    for (let i = 0; i < docs; i++)
      urls.push(`${weft.wsBase}/${await weftWorkflow(weft.httpBase, token, `d${r}-${i}`)}?token=${token}`);
    rounds.push(urls);
  }
  console.log(JSON.stringify(await runMemory(weft, inspector, rounds, { unloadWaitMs: 3000 })));
  inspector.close();
  await weft.stop();
}
{
  const ip = await freePort();
  const ref = await startReference({}, [`--inspect=127.0.0.1:${ip}`]);
  const inspector = await Inspector.connect(ip);
  const rounds = [0, 1].map((r) => Array.from({ length: docs }, (_, i) => `${ref.wsBase}/d${r}-${i}`));
  console.log(JSON.stringify(await runMemory(ref, inspector, rounds, { unloadWaitMs: 3000 })));
  inspector.close();
  await ref.stop();
}

import { webhookLoad } from './webhook-load.ts';
const r = await webhookLoad({
  engines: Number(process.argv[2] ?? 1) as 1 | 2,
  seconds: Number(process.argv[3] ?? 8),
  concurrency: 32,
  nodeArgs: (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean),
  env: JSON.parse(process.env.ENVJSON ?? '{}'),
});
console.log(
  JSON.stringify({
    perSecond: Math.round(r.perSecond),
    p50: +r.p50.toFixed(1),
    p99: +r.p99.toFixed(1),
    serverCpuUs: Math.round(r.serverCpuUs),
    engineCpuUs: Math.round(r.engineCpuUs),
    driverCpuUs: Math.round(r.driverCpuUs),
    errors: r.errors,
    ok: r.recorded === r.requests,
  }),
);

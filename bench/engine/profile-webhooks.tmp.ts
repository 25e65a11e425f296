import { webhookLoad } from './webhook-load.ts';
const r = await webhookLoad({
  engines: 1,
  seconds: 10,
  concurrency: 32,
  nodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'],
});
console.log(JSON.stringify(r));

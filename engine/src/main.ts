import { runEngine } from './run-engine.ts';

/** The engine bundle (dist/engine/main.js) and `npm run engine`. */
await runEngine(process.argv.slice(2));

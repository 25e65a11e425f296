import { serve } from './serve.ts';

/** The server bundle `npm start` runs (dist/server/main.js). */
void serve(process.argv.slice(2));

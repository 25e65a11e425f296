import { buildClientIfNeeded } from './build-client.ts';
import { buildServerIfNeeded } from './build-server.ts';

/** `npm run build`: the web app (vite) and the server bundle (esbuild), each only when stale. */
await buildClientIfNeeded();
await buildServerIfNeeded();

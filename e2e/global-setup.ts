import { buildClientIfNeeded } from '../scripts/build-client.ts';
import { buildServerIfNeeded } from '../scripts/build-server.ts';

/** The browser tests run what `npm start` runs: the built web app and server bundle. */
export default async function globalSetup(): Promise<void> {
  await buildClientIfNeeded();
  await buildServerIfNeeded();
}

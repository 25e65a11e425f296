import { buildClientIfNeeded } from '../scripts/build-client.ts';

export default async function globalSetup(): Promise<void> {
  await buildClientIfNeeded();
}

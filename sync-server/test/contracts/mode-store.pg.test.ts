import { MODES_CHANNEL } from '../../src/db/pg-session.ts';
import { PgModeStore } from '../../src/modes/pg-mode-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runModeStoreContract } from './mode-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runModeStoreContract(
  'postgres (throwaway server, migrations applied)',
  async () => {
    const f = await pgFixture(databases);
    const { db } = f.database;
    return {
      ...f,
      store: new PgModeStore(db),
      another: async () => new PgModeStore((await f.another()).db),
      listen: async () => {
        // A connection of its own, as an instance's session has.
        const client = await db.$client.connect();
        let heard: string[] = [];
        client.on('notification', (message) => {
          if (message.channel === MODES_CHANNEL) heard.push(message.payload ?? '');
        });
        await client.query(`listen ${MODES_CHANNEL}`);
        return {
          take: async () => {
            // Notifications of committed transactions arrive before the answer to a later query on this connection.
            await client.query('select 1');
            await new Promise((resolve) => setTimeout(resolve, 50));
            const taken = heard;
            heard = [];
            return taken;
          },
          stop: async () => {
            await client.query(`unlisten ${MODES_CHANNEL}`);
            client.release();
          },
        };
      },
    };
  },
  { notifies: true },
);

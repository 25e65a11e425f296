import { LocalBusHub } from '../../src/cluster/local-room-bus.ts';
import { runRoomBusContract } from './room-bus.contract.ts';

runRoomBusContract('local (one process)', () => {
  const hub = new LocalBusHub();
  return Promise.resolve({ buses: [hub.bus('a'), hub.bus('b'), hub.bus('c')], teardown: () => Promise.resolve() });
});

// Worker-thread entry: Node 20 does not pass the main thread's tsx loader to
// workers, so register it here, then load the TypeScript thread code.
import { register } from 'tsx/esm/api';

register();
await import('./fanout-thread.ts');

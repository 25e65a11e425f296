// Checkpoints the SQLite WAL from its own thread and connection, so the fsync a
// checkpoint needs never stalls the event loop that relays edits. PASSIVE mode
// copies what it can without blocking the writer. Plain JS: it runs as-is under
// tsx (tests) and beside the server bundle; the `weft` binary carries it
// bundled and runs it as an eval worker, handing it the path of the SQLite
// addon the main thread loaded (addonPath; unset elsewhere).
import { parentPort, workerData } from 'node:worker_threads';
import { loadAddon, newDatabase } from './better-sqlite3.mjs';

const { file, intervalMs, addonPath } = workerData;
const db = newDatabase(file, { fileMustExist: true }, addonPath === undefined ? undefined : loadAddon(addonPath));
db.pragma('busy_timeout = 1000');

const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: String(error) });
  }
};
const timer = setInterval(checkpoint, intervalMs);

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.postMessage({ type: 'stopped' });
});

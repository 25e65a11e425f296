// Checkpoints the SQLite WAL from its own thread and connection, so the fsync a
// checkpoint needs never stalls the event loop that relays edits. PASSIVE mode
// copies what it can without blocking the writer. Plain JS: it runs as-is under
// tsx (tests) and beside the server bundle.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData;
const db = new Database(file, { fileMustExist: true });
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

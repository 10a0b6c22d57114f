// Copies the SQLite write-ahead log into the database file from a thread of its own, so the
// server's thread only appends to the log. Plain JavaScript: it needs nothing of the project.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)'); // never waits for readers or writers; the next turn does the rest
  } catch {
    // busy or closing: the next turn tries again, and the server's own fallback checkpoint still runs
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});

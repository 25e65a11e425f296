import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Signs up a bench user on a Weft server and returns an API token. */
export const weftToken = async (httpBase: string): Promise<string> => {
  const signup = await fetch(`${httpBase}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench${Date.now()}@example.com`, password: 'bench bench bench', name: 'Bench' }),
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status}`);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const res = await fetch(`${httpBase}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'bench' }),
  });
  return ((await res.json()) as { token: string }).token;
};

export const weftWorkflow = async (httpBase: string, token: string, name: string): Promise<string> => {
  const res = await fetch(`${httpBase}/api/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
  return ((await res.json()) as { id: string }).id;
};

export interface StoredDocStats {
  /** Highest committed sequence number (log or snapshot). */
  lastSeq: number;
  logRows: number;
  logBytes: number;
  snapshotBytes: number;
  fileBytes: number;
}

/** Reads a document's storage straight from Weft's SQLite file (WAL allows a reader beside the server). */
export const storedDoc = (dataDir: string, docId: string): StoredDocStats => {
  const db = new Database(join(dataDir, 'weft.db'), { readonly: true, fileMustExist: true });
  try {
    const log = db
      .prepare(
        'select count(*) as n, coalesce(sum(length(data)), 0) as bytes, coalesce(max(seq), 0) as last from doc_updates where doc_id = ?',
      )
      .get(docId) as { n: number; bytes: number; last: number };
    const snap = db
      .prepare('select upto_seq as upto, length(data) as bytes from doc_snapshots where doc_id = ?')
      .get(docId) as { upto: number; bytes: number } | undefined;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return {
      lastSeq: Math.max(log.last, snap?.upto ?? 0),
      logRows: log.n,
      logBytes: log.bytes,
      snapshotBytes: snap?.bytes ?? 0,
      fileBytes: pages * pageSize,
    };
  } finally {
    db.close();
  }
};

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { openDatabase } from '../db/open.ts';
import { ROLLUP_CHUNK, sqliteRollupTexts } from './sqlite-execution-store.ts';

describe("the finish path's insights rollups on SQLite", () => {
  it('find the ended runs by id, never by walking every finished run', async () => {
    const dir = tempDir();
    const database = openDatabase({ file: join(dir.path, 'weft.db') });
    try {
      for (let n = 1; n <= ROLLUP_CHUNK; n++) {
        const { runs, failures } = sqliteRollupTexts(n);
        const ids = Array.from({ length: n }, (_, i) => `run${i}`);
        for (const text of [...runs, ...failures]) {
          const plan = database.sqlite
            .prepare<string[], { detail: string }>(`explain query plan ${text}`)
            .all(...ids)
            .map((r) => r.detail);
          // The executions are read by their primary key (json_each's list, and longer lists, were planned
          // as a walk of the status index: a third of the server's time under webhook load).
          expect(plan.find((d) => d.startsWith('SCAN e ') || d.startsWith('SEARCH e '))).toMatch(
            /^SEARCH e USING INDEX sqlite_autoindex_executions_1 \(id=\?\)/,
          );
        }
      }
    } finally {
      await database.close();
      dir.remove();
    }
  });
});

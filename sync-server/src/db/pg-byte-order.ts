import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * A text column in byte order, as SQLite's BINARY collation sorts: lists
 * ordered by a name come out in the same order on both dialects, whatever
 * locale the PostgreSQL database was created with (en_US would sort "a"
 * before "B", SQLite the other way round).
 */
export const byteOrder = (column: PgColumn): SQL => sql`${column} collate "C"`;

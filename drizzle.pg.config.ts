import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations (DATABASE_URL=postgres://…); drizzle.config.ts has SQLite's. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './sync-server/src/db/schema/pg.ts',
  out: './migrations/pg',
});

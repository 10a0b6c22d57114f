import { defineConfig } from 'drizzle-kit';

// The Postgres store's migrations (npm run db:generate:pg); SQLite's are in drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/storage/pg-schema.ts',
  out: './server/storage/pg-migrations',
});

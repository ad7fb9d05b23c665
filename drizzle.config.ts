/** drizzle-kit: `npm run db:generate` writes a migration for each change of lib/store/schema.ts. */
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/store/schema.ts',
  out: './sql/migrations',
})

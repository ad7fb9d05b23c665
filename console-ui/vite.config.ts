/** The console's page: built into dist/console, which the console serves (`npm run build`). No CDN: all bundled. */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  root: here('.'),
  base: './',
  build: { outDir: here('../dist/console'), emptyOutDir: true, sourcemap: true },
  logLevel: 'warn',
})

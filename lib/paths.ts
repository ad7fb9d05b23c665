/** Where the package's own files are, whether running from lib/ (tsx) or dist/lib/ (built). */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ivr-router')
      return dir
    if (dirname(dir) === dir) throw new Error(`package root not found above ${start}`)
  }
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)))

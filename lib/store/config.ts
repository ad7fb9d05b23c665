/**
 * Where the data lives: flags first, then the environment, then the defaults (docs/operations.md,
 * "Configuration"). `DATABASE_URL` means PostgreSQL; without it, the embedded PGlite in a directory.
 */
import { resolve } from 'node:path'

export const DEFAULT_DATA_DIR = './var/db'
/** serve's `spoolDir` default (lib/config/options.ts). */
export const DEFAULT_SPOOL_DIR = './var/spool'
/** An in-memory embedded database (tests): gone when closed. */
export const MEMORY = 'memory://'

export type StoreConfig = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string }

export type StoreFlags = { databaseUrl?: string | undefined; dataDir?: string | undefined }

/** A setting that cannot work as given (bad URL): the operator's to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError' as const
}

export function storeConfig(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const url = flags.databaseUrl ?? nonEmpty(env.DATABASE_URL)
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new ConfigError(`database URL "${redactUrl(url)}": expected postgres://USER@HOST:PORT/DATABASE`)
    return { kind: 'postgres', url }
  }
  const dir = flags.dataDir ?? nonEmpty(env.IVR_DATA_DIR) ?? DEFAULT_DATA_DIR
  return { kind: 'pglite', dataDir: dir === MEMORY ? MEMORY : resolve(dir) }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v
}

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '****'
    return u.toString()
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:****@')
  }
}

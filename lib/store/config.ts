/**
 * Where the data lives: flags first, then the environment, then the defaults (docs/operations.md,
 * "Configuration"). `DATABASE_URL` means PostgreSQL; without it, the embedded PGlite in a directory.
 */
import { resolve } from 'node:path'

export const DEFAULT_DATA_DIR = './var/db'
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

export function spoolDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(nonEmpty(env.IVR_SPOOL_DIR) ?? DEFAULT_SPOOL_DIR)
}

/**
 * How long an agent's reservation and a queued caller's entry last unless their router renews them
 * (`IVR_LEASE_SECONDS`, default 60): after a router dies, its agents are free again within this time.
 */
export function leaseSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = nonEmpty(env.IVR_LEASE_SECONDS)
  if (raw === undefined) return 60
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 3 || n > 3600)
    throw new ConfigError(`IVR_LEASE_SECONDS "${raw.slice(0, 20)}": use whole seconds from 3 to 3600`)
  return n
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

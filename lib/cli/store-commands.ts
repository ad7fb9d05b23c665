/**
 * What every command on the store shares: the database options (`--database-url`, then
 * DATABASE_URL, then the embedded database in `--data-dir` / IVR_DATA_DIR / ./var/db), the
 * region for phone numbers, opening and closing the store, refusals as exit 1, and output
 * (a table, or JSON with `--json`).
 *
 * The embedded database is migrated on open (it is this process's alone, and a first `apply`
 * should just work); PostgreSQL is migrated only by `ivr-router db migrate` (or `serve --migrate`),
 * so that a production schema changes when its operator says so.
 */
import type { Command } from 'commander'
import { userInfo } from 'node:os'
import { isValidRegion } from '../phone/e164.js'
import { ConfigError, storeConfig, type StoreFlags } from '../store/config.js'
import { migrateStore, openStore, type Store } from '../store/db.js'
import { DirectoryLocked } from '../store/lock.js'
import type { Refusal } from '../store/refusal.js'
import { UsageError } from './errors.js'

export type StoreOptions = StoreFlags & { region: string; json?: boolean }

/** A subcommand of `parent` with the database and region options. */
export function storeCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--database-url <url>', 'PostgreSQL, e.g. postgres://ivr@db.example.com/ivr (default: $DATABASE_URL)')
    .option('--data-dir <dir>', 'the embedded database without a URL (default: $IVR_DATA_DIR or ./var/db)')
    .option('--region <code>', 'region of numbers without a country code', process.env.IVR_REGION || 'KR')
}

export function jsonOption(command: Command): Command {
  return command.option('--json', 'print JSON')
}

/** True when `err`, or an error it wraps, is PostgreSQL's "relation does not exist". */
function missingTable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if ((e as { code?: unknown }).code === '42P01') return true
  return false
}

/** Opens the store for one command, runs it, and closes the store whatever happens. */
export async function withStore<T>(opts: StoreOptions, run: (store: Store) => Promise<T>): Promise<T> {
  if (!isValidRegion(opts.region)) throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
  let store: Store
  try {
    const config = storeConfig(opts)
    store = await openStore(config)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DirectoryLocked) throw new UsageError(err.message)
    throw new Error(`cannot open the database: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  try {
    if (store.kind === 'pglite') await migrateStore(store)
    return await run(store)
  } catch (err) {
    if (missingTable(err))
      throw new UsageError(`the database (${store.description}) has no tables yet: run "ivr-router db migrate" first`)
    throw err
  } finally {
    await store.close()
  }
}

/** The value of a result the store may refuse; a refusal is bad input (exit 1). */
export function accepted<T extends { ok: true }>(result: T | Refusal): T {
  if (!result.ok) throw new UsageError(result.reasons.join('; '))
  return result
}

/** Who runs the command, for the versions it imports. */
export function operatorName(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER || 'unknown'
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** A plain table: a header row, columns padded to their widest cell; cells are printed without line breaks. */
export function printTable(header: string[], body: (string | number | boolean | null | undefined)[][]): void {
  const cells = [header, ...body.map((row) => row.map((c) => oneLine(c)))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)))
  for (const row of cells)
    process.stdout.write(
      `${row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    )
}

function oneLine(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '-'
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[\u0000-\u001f\u007f]/g, ' ')
}

/** A whole number from a flag or argument, or a UsageError naming it. */
export function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN
  if (!(n >= min && n <= max))
    throw new UsageError(`${flag} "${value.slice(0, 20)}": a whole number from ${min} to ${max}`)
  return n
}

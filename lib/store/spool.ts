/**
 * The local spool: what could not be written to the database (finished calls, queued SMS) is
 * appended as one JSON line to `pending.jsonl` and flushed to disk before the call is let go.
 * Replay claims the file (renames it `replay-*.jsonl`, so new failures start a new one), writes
 * each line with an idempotent write, and deletes the file once every line is in. A line the
 * database refuses while it answers (not an outage: bad data) goes to `rejected.jsonl` with the
 * reason, so it neither blocks the rest nor disappears.
 *
 * One process per spool directory (a lock file beside it), since two replaying one file would
 * race; give each router on a host its own IVR_SPOOL_DIR.
 */
import { mkdirSync } from 'node:fs'
import { appendFile, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { CallRecord } from '../engine/record.js'
import { lockDirectory } from './lock.js'
import type { SmsMessage } from './records.js'

export type SpoolItem = { kind: 'call'; record: CallRecord } | { kind: 'sms'; sms: SmsMessage }

/** What one replay did: lines written (new or already there), set aside, and left for the next try. */
export type ReplayResult = { replayed: number; rejected: number; remaining: number }

const PENDING = 'pending.jsonl'
const REJECTED = 'rejected.jsonl'
const CLAIMED = /^replay-\d+-\d+\.jsonl$/

export class Spool {
  readonly #release: () => void
  /** Appends and the claim of the pending file run one at a time, so no append lands in a claimed file. */
  #queue: Promise<unknown> = Promise.resolve()
  #claims = 0

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.#release = lockDirectory(
      dir,
      (pid) => `the spool ${dir} is in use by process ${pid}: give each router its own IVR_SPOOL_DIR`,
    )
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn)
    this.#queue = next.catch(() => {})
    return next
  }

  /** Appends the item and flushes it to disk. Throws only when the disk itself fails. */
  append(item: SpoolItem): Promise<void> {
    return this.#serial(async () => {
      const file = await open(join(this.dir, PENDING), 'a', 0o600)
      try {
        await file.appendFile(`${JSON.stringify({ v: 1, ...item })}\n`)
        await file.datasync()
      } finally {
        await file.close()
      }
    })
  }

  /** True when something waits to be replayed. */
  async pending(): Promise<boolean> {
    const names = await readdir(this.dir)
    return names.some((n) => n === PENDING || CLAIMED.test(n))
  }

  /** How many lines wait to be replayed (a scrape-time reading: the files are read whole). */
  async depth(): Promise<number> {
    const names = (await readdir(this.dir)).filter((n) => n === PENDING || CLAIMED.test(n))
    let lines = 0
    for (const name of names) {
      try {
        lines += (await readFile(join(this.dir, name), 'utf8')).split('\n').filter((l) => l.trim() !== '').length
      } catch (err) {
        // Replayed and deleted between the listing and the read.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
    return lines
  }

  /**
   * Writes every spooled item with `write`. `isOutage(err)` says whether a failed write means the
   * database is away (stop, keep the rest for the next replay) or refused the item (set it aside).
   */
  async replay(
    write: (item: SpoolItem) => Promise<void>,
    isOutage: (err: unknown) => Promise<boolean>,
  ): Promise<ReplayResult> {
    await this.#serial(async () => {
      try {
        await rename(join(this.dir, PENDING), join(this.dir, `replay-${Date.now()}-${this.#claims++}.jsonl`))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    })
    const claimed = (await readdir(this.dir)).filter((n) => CLAIMED.test(n)).sort(byClaimOrder)
    const result: ReplayResult = { replayed: 0, rejected: 0, remaining: 0 }
    for (const [index, name] of claimed.entries()) {
      const path = join(this.dir, name)
      const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '')
      for (const [i, line] of lines.entries()) {
        const item = parseLine(line)
        if (item === undefined) {
          await this.#reject(line, 'not a spool line')
          result.rejected++
          continue
        }
        try {
          await write(item)
          result.replayed++
        } catch (err) {
          if (await isOutage(err)) {
            result.remaining += lines.length - i
            for (const later of claimed.slice(index + 1))
              result.remaining += (await readFile(join(this.dir, later), 'utf8')).split('\n').filter(Boolean).length
            return result
          }
          await this.#reject(line, err instanceof Error ? err.message : String(err))
          result.rejected++
        }
      }
      await unlink(path)
    }
    return result
  }

  async #reject(line: string, reason: string): Promise<void> {
    await appendFile(join(this.dir, REJECTED), `${JSON.stringify({ reason, line })}\n`, { mode: 0o600 })
  }

  close(): void {
    this.#release()
  }
}

function byClaimOrder(a: string, b: string): number {
  const key = (n: string) => n.match(/\d+/g)!.map(Number)
  const [a1, a2] = key(a)
  const [b1, b2] = key(b)
  return a1! - b1! || a2! - b2!
}

function parseLine(line: string): SpoolItem | undefined {
  try {
    const v = JSON.parse(line) as { v?: unknown; kind?: unknown; record?: unknown; sms?: unknown }
    if (v.v !== 1) return undefined
    if (v.kind === 'call' && typeof v.record === 'object' && v.record !== null)
      return { kind: 'call', record: v.record as CallRecord }
    if (v.kind === 'sms' && typeof v.sms === 'object' && v.sms !== null)
      return { kind: 'sms', sms: v.sms as SmsMessage }
    return undefined
  } catch {
    return undefined
  }
}

/**
 * The callbacks one router holds, on the database, as the callback runner asks for them
 * (lib/routing/callback-runner.ts): adoption and the list of what it holds on each sync, and the guarded steps of
 * an attempt (callbacks.ts). The place in line is the distributor's (the ledger's SQL), not this book's.
 */
import type { AttemptEnd, CallbackBook, HeldCallback } from '../routing/callback-runner.js'
import { adoptCallbacks, beginAttempt, countAttempt, endAttempt, heldCallbacks, type CallbackRow } from './callbacks.js'
import type { Db } from './db.js'

export type StoreCallbackBookOptions = {
  router: string
  /** A router not seen for this long has its callbacks adopted. */
  goneSeconds: number
  /** The ids this process serves now (so its own marked serving are not reset). */
  serving(): readonly string[]
}

export function heldOf(row: CallbackRow): HeldCallback {
  return {
    id: row.id,
    forWhom: row.team !== null ? { team: row.team } : { agent: row.agent! },
    priority: row.priority,
    number: row.number,
    dialed: row.dialed,
    fields: row.fields,
    requestedAt: row.requestedAt.getTime(),
    nextAttemptAt: row.nextAttemptAt?.getTime() ?? null,
  }
}

export class StoreCallbackBook implements CallbackBook {
  constructor(
    private readonly db: Db,
    private readonly options: StoreCallbackBookOptions,
  ) {}

  async held(): Promise<HeldCallback[]> {
    const { router, goneSeconds, serving } = this.options
    await adoptCallbacks(this.db, router, goneSeconds, serving())
    return (await heldCallbacks(this.db, router)).map(heldOf)
  }

  begin(id: string): Promise<boolean> {
    return beginAttempt(this.db, id, this.options.router)
  }

  count(id: string): Promise<boolean> {
    return countAttempt(this.db, id, this.options.router)
  }

  async end(
    id: string,
    end: AttemptEnd,
  ): Promise<{ waiting: HeldCallback } | { ended: 'served' | 'failed' } | undefined> {
    const row = await endAttempt(this.db, id, this.options.router, end)
    if (!row) return undefined
    if (row.status === 'waiting') return { waiting: heldOf(row) }
    return row.status === 'served' || row.status === 'failed' ? { ended: row.status } : undefined
  }
}

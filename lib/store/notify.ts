/**
 * Change notices between processes: every write the CLI makes to what `serve` caches sends
 * `NOTIFY ivr_router_changed, '<what>'` in its transaction (delivered at commit). Offers between
 * routers have their own channel (ledger.ts, OFFER_CHANNEL).
 */
import { sql } from 'drizzle-orm'
import type { Db, Store } from './db.js'

export const CHANGES_CHANNEL = 'ivr_router_changed'

export const CHANGES = ['workflows', 'bindings', 'schedules', 'teams', 'agents'] as const
export type Change = (typeof CHANGES)[number]
/** `reconnected`: the listener was away and may have missed notices; reload everything. */
export type ChangeNotice = Change | 'reconnected'

export async function notifyChange(db: Pick<Db, 'execute'>, what: Change): Promise<void> {
  await db.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${what})`)
}

/** Calls `onChange` for each change notice; returns the unlisten. Unknown payloads are ignored. */
export function listenForChanges(store: Store, onChange: (what: ChangeNotice) => void): Promise<() => Promise<void>> {
  return store.listen(CHANGES_CHANNEL, {
    onNotify: (payload) => {
      if ((CHANGES as readonly string[]).includes(payload)) onChange(payload as Change)
    },
    onReconnect: () => onChange('reconnected'),
  })
}

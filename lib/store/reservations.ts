/**
 * Agent reservations' leases: a live router renews the leases of the agents reserved for its callers (ringing or
 * talking); a router that dies stops, and its agents are free again when the leases run out (the ledger's
 * dispatch frees lapsed reservations first). Reservations themselves are made and given back by the ledger's
 * SQL (lib/store/ledger.ts).
 */
import { sql } from 'drizzle-orm'
import type { Db } from './db.js'

/** Extends the leases of every agent reserved for a caller in line on `router`. */
export async function renewLeases(db: Db, router: string, leaseSeconds: number): Promise<void> {
  await db.execute(
    sql`update agents set lease_until = now() + make_interval(secs => ${leaseSeconds})
        where reserved_by in (select q.call_id from queue_entries q where q.router = ${router})`,
  )
}

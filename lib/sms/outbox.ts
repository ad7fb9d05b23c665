/**
 * The SMS outbox as the delivery worker uses it. Several routers may run the worker on one database: a claim takes
 * due rows with `FOR UPDATE SKIP LOCKED` and marks them `sending` with a lease (`next_attempt_at`); a worker that
 * dies mid-send leaves rows another claims once the lease is over. The rate limit per destination is decided in the
 * claim, under a transaction-scoped advisory lock on the number, so two routers never both let a fourth text through.
 */
import { sql } from 'drizzle-orm'
import { rows, type Store } from '../store/db.js'
import type { OutgoingSms } from './provider.js'
import type { RateLimit } from './rate-limit.js'

export type Claimed = OutgoingSms & { attempts: number }

export type ClaimOptions = { batch: number; leaseMs: number; rateLimit: RateLimit }

type Row = { id: string; call_id: string; to_number: string; text: string; attempts: number; created_at: Date | string }

export const RATE_LIMITED = 'rate_limited'

/** What a claim took: messages to send, and those it marked failed for their number's rate limit. */
export type Claim = { claimed: Claimed[]; limited: { id: string; to: string }[] }

/**
 * Claims up to `batch` due messages for sending; those over their number's rate limit are marked failed
 * (`rate_limited`) in the same transaction.
 */
export async function claimDue(store: Store, o: ClaimOptions): Promise<Claim> {
  return store.db.transaction(async (tx) => {
    const due = await rows<Row>(
      tx,
      sql`select id, call_id, to_number, text, attempts, created_at from sms_outbox
          where (status = 'pending' and (next_attempt_at is null or next_attempt_at <= now()))
             or (status = 'sending' and next_attempt_at <= now())
          order by created_at, id
          limit ${o.batch}
          for update skip locked`,
    )
    const claimed: Claimed[] = []
    const limited: Claim['limited'] = []
    for (const r of due) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ivr-router sms ${r.to_number}`}))`)
      const [recent] = await rows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from sms_outbox
            where to_number = ${r.to_number} and id <> ${r.id}
              and ((status = 'sent' and sent_at > now() - make_interval(secs => ${o.rateLimit.windowSeconds}::float8))
                or (status = 'sending' and next_attempt_at > now()))`,
      )
      if ((recent?.n ?? 0) >= o.rateLimit.count) {
        await tx.execute(
          sql`update sms_outbox set status = 'failed', error = ${RATE_LIMITED}, next_attempt_at = null
              where id = ${r.id}`,
        )
        limited.push({ id: r.id, to: r.to_number })
        continue
      }
      await tx.execute(
        sql`update sms_outbox set status = 'sending', attempts = attempts + 1,
                   next_attempt_at = now() + make_interval(secs => ${o.leaseMs / 1000}::float8)
            where id = ${r.id}`,
      )
      claimed.push({
        id: r.id,
        callId: r.call_id,
        to: r.to_number,
        text: r.text,
        createdAt: new Date(r.created_at).toISOString(),
        attempts: r.attempts + 1,
      })
    }
    return { claimed, limited }
  })
}

export async function markSent(store: Store, id: string): Promise<void> {
  await store.db.execute(
    sql`update sms_outbox set status = 'sent', sent_at = now(), error = null, next_attempt_at = null
        where id = ${id} and status = 'sending'`,
  )
}

export async function markFailed(store: Store, id: string, reason: string): Promise<void> {
  await store.db.execute(
    sql`update sms_outbox set status = 'failed', error = ${reason}, next_attempt_at = null
        where id = ${id} and status = 'sending'`,
  )
}

/** Back to pending, not before `delayMs` from now, keeping why it failed this time. */
export async function markRetry(store: Store, id: string, reason: string, delayMs: number): Promise<void> {
  await store.db.execute(
    sql`update sms_outbox set status = 'pending', error = ${reason},
               next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}::float8)
        where id = ${id} and status = 'sending'`,
  )
}

/**
 * The store ledger's own queue in front of the distributor's connections: an operation that gives agents back
 * starts before every ask still waiting for a connection (a surge of new callers must not hold up the hand-off of
 * an agent who just hung up). The database is a stand-in whose statements finish when the test says.
 */
import t from 'tap'
import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Db } from '../../lib/store/db.js'
import { ROUTING_POOL_SIZE } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'

const dialect = new PgDialect()

t.test('a release starts before the asks queued ahead of it; asks keep their order', async (t) => {
  const started: string[] = []
  const finishers: (() => void)[] = []
  const db = {
    execute: (query: SQL) => {
      // The call's id is the first parameter of ivr_route.
      started.push(String(dialect.sqlToQuery(query).params[0]))
      return new Promise((resolve) => finishers.push(() => resolve({ rows: [] })))
    },
  } as unknown as Db
  const ledger = new StoreLedger(db, {
    routerId: 'r1',
    leaseSeconds: 60,
    aliveSeconds: 5,
    retryDelaySeconds: 10,
    unreachableSeconds: 60,
  })
  const ask = (callId: string) =>
    ledger.route({ callId, caller: '', place: { ask: 'queue', forWhom: { team: 'desk' }, priority: 0 } })
  const ops = [] as Promise<unknown>[]
  for (let i = 0; i < ROUTING_POOL_SIZE + 3; i++) ops.push(ask(`new-${i}`))
  ops.push(
    ledger.route({
      callId: 'hung-up',
      caller: '',
      release: { end: { outcome: 'answered', agent: 'a1', talkSeconds: 60 } },
      place: 'leave',
    }),
  )
  await new Promise((resolve) => setImmediate(resolve))
  t.same(started, ['new-0', 'new-1', 'new-2', 'new-3'], 'as many at once as the pool has connections')
  finishers.shift()!()
  await new Promise((resolve) => setImmediate(resolve))
  t.same(started.slice(4), ['hung-up'], 'the release takes the first connection free')
  while (finishers.length) {
    finishers.shift()!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  await Promise.all(ops)
  t.same(started.slice(5), ['new-4', 'new-5', 'new-6'], 'then the asks, first come first served')
})

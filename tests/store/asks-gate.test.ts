/**
 * Releases first across routers, on the database: a pure ask passes the asks' gate before the distributor's lock,
 * so an agent's release from another router waits behind at most one ask, not behind every new caller. The
 * interleaving is forced: a transaction holds the distributor's lock while the test places, one after the other,
 * an ask, a second ask and a release from three routers, each once PostgreSQL shows it waiting.
 */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { rows, type Store } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml } from '../helpers/store.js'

const DISTRIBUTOR_LOCK = 7365021

const ledger = (store: Store, routerId: string) =>
  new StoreLedger(store.db, {
    routerId,
    leaseSeconds: 60,
    aliveSeconds: 5,
    retryDelaySeconds: 10,
    unreachableSeconds: 60,
  })

/** Waits until `count` sessions wait for an advisory lock (a lock wait gives no other sign). */
async function waiting(store: Store, count: number): Promise<void> {
  for (;;) {
    const [row] = await rows<{ n: number }>(
      store.db,
      sql`select count(*)::int as n from pg_locks
          where locktype = 'advisory' and not granted and database = (
            select oid from pg_database where datname = current_database())`,
    )
    if (row?.n === count) return
    await new Promise((resolve) => setImmediate(resolve))
  }
}

t.test(
  'a release waits behind at most one ask',
  { skip: dbKind === 'pglite' && 'one connection: nothing interleaves' },
  async (t) => {
    const store = await testStore(t)
    await applyYaml(store, 'kind: team\nname: desk\n---\nkind: agent\nname: a1\ndial: user/a1@pbx\nteams: [desk]\n')
    let unlock!: () => void
    const held = new Promise<void>((resolve) => (unlock = resolve))
    let locked!: () => void
    const lockTaken = new Promise<void>((resolve) => (locked = resolve))
    const blocker = store.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${DISTRIBUTOR_LOCK})`)
      locked()
      await held
    })
    await lockTaken
    const done: string[] = []
    const ask = (router: string, callId: string) =>
      ledger(store, router)
        .route({ callId, caller: '', place: { ask: 'queue', forWhom: { team: 'desk' }, priority: 0 } })
        .then(() => done.push(callId))
    const first = ask('router-1', 'first-caller')
    await waiting(store, 1)
    const second = ask('router-2', 'second-caller')
    await waiting(store, 2)
    const release = ledger(store, 'router-3')
      .route({
        callId: 'hung-up',
        caller: '',
        release: { end: { outcome: 'answered', agent: 'a1', talkSeconds: 60 } },
        place: 'leave',
      })
      .then(() => done.push('hung-up'))
    await waiting(store, 3)
    unlock()
    await Promise.all([blocker, first, second, release])
    t.same(done, ['first-caller', 'hung-up', 'second-caller'], 'the release goes before the ask that came first')
  },
)

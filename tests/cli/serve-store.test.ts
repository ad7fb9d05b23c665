/**
 * End to end as an operator does it: `apply` and `number bind` with the CLI, `serve` on the database as a process,
 * calls from the FreeSWITCH simulator, then the rows in SQL.
 */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { cli } from '../helpers/cli.js'
import { serveProcess } from '../helpers/serve-process.js'
import { testDatabase } from '../helpers/db.js'
import { openStore, rows } from '../../lib/store/db.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'

t.test('apply, bind, serve, call: the call is in the tables', async (t) => {
  const db = await testDatabase(t)
  t.equal((await cli(['db', 'migrate'], db.env)).code, 0)
  const applied = await cli(['apply', 'recipes/callback-when-busy.yaml'], db.env)
  t.equal(applied.code, 0, applied.stderr)
  const bound = await cli(['number', 'bind', '02-555-0100', 'support-line'], db.env)
  t.equal(bound.code, 0, bound.stderr)

  const serve = await serveProcess(t, db.env)
  const port = serve.port
  t.match(serve.stderr(), /database: /, 'says which database')

  const fs = new FakeFreeSwitch({ seed: 11 })
  // answer, the message, ring seoyeon (busy), hold music: the caller hangs up in it.
  const sim = await fs.call({
    port,
    channel: { destination: '025550100', callerNumber: '01055556666' },
    script: { bridges: ['busy'], hangup: { duringApp: 4, afterMs: 100 } },
  }).result
  t.equal(sim.closeReason, 'exit')
  t.equal(await serve.stop(), 0)

  const store = await openStore(db.config)
  t.teardown(() => store.close())
  const calls = await rows<{ id: string; workflow: string; outcome: string; inbox_reason: string; caller: string }>(
    store.db,
    sql`select id, workflow, outcome, inbox_reason, caller from calls`,
  )
  t.match(calls, [
    {
      id: sim.uuid,
      workflow: 'support-line',
      outcome: 'missed',
      inbox_reason: 'queue_abandoned',
      caller: '+821055556666',
    },
  ])
  const inbox = await rows<{ reason: string; team: string }>(store.db, sql`select reason, team from inbox`)
  t.match(inbox, [{ reason: 'queue_abandoned', team: 'support' }])
  const [events] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from call_events`)
  t.ok(events!.n >= 5, 'the call events are stored')
})

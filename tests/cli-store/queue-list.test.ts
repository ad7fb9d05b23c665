/** `queue list`: the queued callers from the table, as a table and as JSON; an empty queue says so. */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { cli } from '../helpers/cli.js'
import { testDatabase } from '../helpers/db.js'
import { applyYaml } from '../helpers/store.js'

t.test('queue list', async (t) => {
  const db = await testDatabase(t)
  const setup = await openStore(db.config)
  await migrateStore(setup)
  await applyYaml(
    setup,
    'kind: team\nname: desk\n---\nkind: agent\nname: bob\ndial: user/1001@pbx\nteams: [desk]\nstatus: away\n',
  )
  // The embedded database belongs to one process at a time: closed while the CLI runs.
  await setup.close()
  const empty = await cli(['queue', 'list'], db.env)
  t.same([empty.code, empty.stdout], [0, 'nobody is queued\n'])

  const store = await openStore(db.config)
  const ledger = new StoreLedger(store.db, {
    routerId: 'host-a:41',
    leaseSeconds: 600,
    aliveSeconds: 600,
    retryDelaySeconds: 10,
    unreachableSeconds: 60,
  })
  await ledger.sweep()
  const line = (callId: string, caller: string, forWhom: { team: string } | { agent: string }, priority = 0) =>
    ledger.route({ callId, caller, place: { ask: 'queue', forWhom, priority } })
  await line('call-1', '+821011112222', { team: 'desk' })
  await line('call-2', '+821033334444', { team: 'desk' })
  await line('call-3', '+821055556666', { agent: 'bob' })
  await line('call-4', '+821077778888', { team: 'desk' }, 5)
  await store.db.execute(
    sql`update queue_entries set enqueued_at = now() - interval '90 seconds' where call_id = 'call-1'`,
  )
  await store.close()

  const table = await cli(['queue', 'list'], db.env)
  t.equal(table.code, 0, table.stderr)
  const lines = table.stdout.trimEnd().split('\n')
  t.match(lines[0], /^FOR\s+POS\s+PRIO\s+CALLER\s+SINCE\s+WAIT\s+STATE\s+ROUTER\s+CALL$/)
  t.match(lines[1], /^team desk\s+1\s+5\s+\+821077778888\s/, 'priority first')
  t.match(lines[2], /^team desk\s+2\s+0\s+\+821011112222\s+\S+Z\s+9\ds\s+waiting\s+host-a:41\s+call-1$/)
  t.match(lines[3], /^team desk\s+3\s+0\s+\+821033334444\s/)
  t.match(lines[4], /^agent bob\s+1\s+0\s+\+821055556666\s/)
  const json = await cli(['queue', 'list', '--json'], db.env)
  t.match(JSON.parse(json.stdout), [
    { callId: 'call-4', priority: 5, position: 1 },
    { callId: 'call-1', team: 'desk', agent: null, position: 2, state: 'waiting', router: 'host-a:41' },
    { callId: 'call-2', position: 3 },
    { callId: 'call-3', team: null, agent: 'bob', position: 1 },
  ])
})

/** `callback list | cancel` and `queue list` with callbacks in line: tables, JSON, refusals by name. */
import t from 'tap'
import { sql } from 'drizzle-orm'
import { requestCallback } from '../../lib/store/callbacks.js'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { cli } from '../helpers/cli.js'
import { testDatabase } from '../helpers/db.js'
import { applyYaml } from '../helpers/store.js'

t.test('callback list and cancel', async (t) => {
  const db = await testDatabase(t)
  const store = await openStore(db.config)
  await migrateStore(store)
  await applyYaml(
    store,
    'kind: team\nname: desk\n---\nkind: agent\nname: bob\ndial: user/1001@pbx\nteams: [desk]\nstatus: away\n',
  )
  const ledger = new StoreLedger(store.db, {
    routerId: 'host-a:41',
    leaseSeconds: 600,
    aliveSeconds: 600,
    retryDelaySeconds: 10,
    unreachableSeconds: 60,
  })
  await ledger.sweep()
  const queue = (callId: string, caller: string) =>
    ledger.route({ callId, caller, place: { ask: 'queue', forWhom: { team: 'desk' }, priority: 0 } })
  await queue('call-1', '+821011112222')
  await queue('call-2', '+821033334444')
  await store.db.execute(
    sql`update queue_entries set enqueued_at = now() - interval '5 minutes' where call_id = 'call-1'`,
  )
  // The first caller asks to be called back: the callback keeps the five minutes it waited.
  const asked = await requestCallback(store.db, {
    id: 'cb-0001',
    callId: 'call-1',
    router: 'host-a:41',
    forWhom: { team: 'desk' },
    priority: 0,
    number: '+821011112222',
    caller: '+821011112222',
    dialed: '+8215880000',
    fields: { order: '42' },
    maxAttempts: 3,
    retrySeconds: 300,
  })
  t.equal(asked.ok, true)
  await store.close()

  const lineup = await cli(['queue', 'list'], db.env)
  t.equal(lineup.code, 0, lineup.stderr)
  const lines = lineup.stdout.trimEnd().split('\n')
  t.match(lines[1], /^team desk\s+1\s+0\s+\+821011112222\s+\S+Z\s+30\ds\s+callback\s+host-a:41\s+cb-0001$/)
  t.match(lines[2], /^team desk\s+2\s+0\s+\+821033334444\s.*\swaiting\s+host-a:41\s+call-2$/)

  const list = await cli(['callback', 'list'], db.env)
  t.equal(list.code, 0, list.stderr)
  const rows = list.stdout.trimEnd().split('\n')
  t.match(rows[0], /^ID\s+FOR\s+NUMBER\s+PRIO\s+PLACE SINCE\s+STATUS\s+ATTEMPTS\s+NEXT\s+LAST CAUSE\s+ROUTER\s+CALL$/)
  t.match(rows[1], /^cb-0001\s+team desk\s+\+821011112222\s+0\s+\S+Z\s+waiting\s+0\/3\s+-\s+-\s+host-a:41\s+call-1$/)
  const json = JSON.parse((await cli(['callback', 'list', '--json'], db.env)).stdout)
  t.match(json, [{ id: 'cb-0001', callId: 'call-1', team: 'desk', fields: { order: '42' }, status: 'waiting' }])

  const bad = await cli(['callback', 'cancel', 'call-2;drop'], db.env)
  t.not(bad.code, 0)
  t.match(bad.stderr, /callback id "call-2;drop": expected cb-/)
  const none = await cli(['callback', 'cancel', 'cb-9999'], db.env)
  t.not(none.code, 0)
  t.match(none.stderr, /no callback cb-9999/)
  const cancelled = await cli(['callback', 'cancel', 'cb-0001'], db.env)
  t.same([cancelled.code, cancelled.stdout], [0, 'callback cb-0001 cancelled\n'], cancelled.stderr)
  const again = await cli(['callback', 'cancel', 'cb-0001'], db.env)
  t.not(again.code, 0)
  t.match(again.stderr, /callback cb-0001 is cancelled: nothing to cancel/)
  t.same((await cli(['callback', 'list'], db.env)).stdout, 'no callback is open\n')
  const all = JSON.parse((await cli(['callback', 'list', '--all', '--json'], db.env)).stdout)
  t.match(all, [{ id: 'cb-0001', status: 'cancelled', cancelledBy: /^cli:/ }])
  const after = await cli(['queue', 'list', '--json'], db.env)
  t.match(JSON.parse(after.stdout), [{ callId: 'call-2', position: 1, kind: 'call' }])
})

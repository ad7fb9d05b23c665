/**
 * End to end on the store: documents applied and a number bound in the database, the real server
 * over the store's world, simulated FreeSWITCH calls over TCP, and the rows they leave in SQL.
 */
import t from 'tap'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { testStore, dbKind } from '../helpers/db.js'
import { serveWith } from '../helpers/serve.js'
import { applyDocuments } from '../../lib/store/apply.js'
import { rows } from '../../lib/store/db.js'
import { bindNumber } from '../../lib/store/numbers.js'
import { StoreWorld } from '../../lib/store/world.js'
import { loadString } from '../../lib/workflow/load.js'

const reservations = (
  await readFile(new URL('../fixtures/workflows/reservations.yaml', import.meta.url), 'utf8')
).replace(
  'weekly: { mon-fri: ["09:00-12:00", "13:00-18:00"], sat: ["10:00-14:00"] }\nholidays: ["2026-12-25", "2027-01-01"]',
  'weekly: { mon-sun: ["00:00-24:00"] }',
)

t.test(`calls leave calls, call_events and inbox rows (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const applied = await applyDocuments(store, loadString(reservations, 'reservations.yaml'), {
    region: 'KR',
    importedBy: 'test',
  })
  t.ok(applied.ok, 'applied')
  t.match(await bindNumber(store, '070-1234-5678', 'reservations', 'KR'), { ok: true, number: '+827012345678' })
  const spoolDir = await mkdtemp(join(tmpdir(), 'ivr-spool-'))
  t.teardown(() => rm(spoolDir, { recursive: true, force: true }))
  const world = await StoreWorld.open(store, { region: 'KR', spoolDir })
  t.teardown(() => world.close())
  const s = await serveWith({ world, resolve: (facts) => world.resolve(facts) })
  t.teardown(s.close)

  const connected = await s.call({ keys: ['1', '123456#'], bridges: ['answer'] })
  t.match(connected.record, { workflow: 'reservations', version: 1, outcome: 'connected', agent: 'alice' })
  const [call] = await rows<{
    outcome: string
    workflow_version: number
    agent: string
    fields: unknown
    steps: string[]
  }>(store.db, sql`select outcome, workflow_version, agent, fields, steps from calls where id = ${connected.sim.uuid}`)
  t.match(call, {
    outcome: 'connected',
    workflow_version: 1,
    agent: 'alice',
    fields: { reservationNo: '123456' },
    steps: ['A', 'B', 'D'],
  })
  const [events] = await rows<{ n: number }>(
    store.db,
    sql`select count(*)::int as n from call_events where call_id = ${connected.sim.uuid}`,
  )
  t.equal(events!.n, connected.record!.events.length, 'every event stored, in one write')

  const missed = await s.call({
    keys: ['1', '123456#'],
    bridges: ['no-answer', 'busy'],
    hangup: { duringAppNamed: 'playback' },
  })
  t.match(missed.record, { outcome: 'missed', inbox: { reason: 'queue_abandoned' } })
  const inbox = await rows<{ reason: string; team: string; fields: unknown }>(
    store.db,
    sql`select reason, team, fields from inbox where call_id = ${missed.sim.uuid}`,
  )
  t.match(inbox, [{ reason: 'queue_abandoned', team: 'support', fields: { reservationNo: '123456' } }])

  const abandoned = await s.call({ hangup: { duringAppNamed: 'play_and_get_digits' } })
  t.equal(abandoned.record?.outcome, 'abandoned')
  const [none] = await rows<{ n: number }>(
    store.db,
    sql`select count(*)::int as n from inbox where call_id = ${abandoned.sim.uuid}`,
  )
  t.equal(none!.n, 0, 'a caller who leaves during the IVR leaves no inbox row')

  // A binding changed while serving takes effect for the next call, without a restart.
  const other = `name: other\nsteps:\n  A:\n    - hangup: { inbox: true }\n`
  t.ok((await applyDocuments(store, loadString(other, 'other.yaml'), { region: 'KR', importedBy: 'test' })).ok)
  t.match(await bindNumber(store, '07012345678', 'other', 'KR'), { ok: true, previous: 'reservations' })
  // The apply's notice may reload first: wait for the reload that carries the new binding.
  while (world.directory.bindings.get('+827012345678') !== 'other') await once(world, 'reload')
  const next = await s.call({})
  t.match(next.record, { workflow: 'other', outcome: 'missed', inbox: { reason: 'workflow_hangup' } })
  const [count] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from calls`)
  t.equal(count!.n, 4)
})

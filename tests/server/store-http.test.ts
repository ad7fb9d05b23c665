/**
 * The http action on the store: the stored recipe, the store's world given the endpoints, a call through the
 * FreeSWITCH simulator, and what `call_events` keeps of the answer (only the values the workflow uses).
 */
import t from 'tap'
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
import { ScriptedRequests, parseHttpScript } from '../../lib/sim/requests.js'
import { loadString } from '../../lib/workflow/load.js'

const recipe = await readFile(new URL('../../recipes/reservation-lookup.yaml', import.meta.url), 'utf8')
const ANSWER = {
  reservation: { status: 'confirmed', date: '2026-12-08', time: '19:00', guests: 4 },
  customer: { tier: 'regular', name: '김민지', phone: '010-9999-8888' },
}

t.test(`call_events keeps only the values the workflow uses (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const applied = await applyDocuments(store, loadString(recipe, 'reservation-lookup.yaml'), {
    region: 'KR',
    importedBy: 'test',
    endpoints: new Set(['crm']),
  })
  t.ok(applied.ok, 'applied')
  t.match(await bindNumber(store, '070-1234-5678', 'reservation-lookup', 'KR'), { ok: true })
  const spoolDir = await mkdtemp(join(tmpdir(), 'ivr-spool-'))
  t.teardown(() => rm(spoolDir, { recursive: true, force: true }))
  const requests = new ScriptedRequests(new Map([parseHttpScript(`crm=${JSON.stringify(ANSWER)}`)]))
  const world = await StoreWorld.open(store, { region: 'KR', spoolDir, requests })
  t.teardown(() => world.close())
  const s = await serveWith({ world, resolve: (facts) => world.resolve(facts) })
  t.teardown(s.close)

  const { sim, record } = await s.call({ keys: ['1', '123456'] })
  t.same(record?.steps, ['main-menu', 'ask-number', 'read-back'])
  const events = await rows<{ type: string; data: Record<string, unknown> }>(
    store.db,
    sql`select type, data from call_events where call_id = ${sim.uuid} and type = 'http'`,
  )
  t.match(events, [
    {
      type: 'http',
      data: {
        name: 'crm',
        endpoint: 'crm',
        result: 'ok',
        status: 200,
        values: {
          'reservation.status': 'confirmed',
          'reservation.date': '2026-12-08',
          'reservation.time': '19:00',
          'reservation.guests': '4',
          'customer.tier': 'regular',
        },
      },
    },
  ])
  const [all] = await rows<{ text: string }>(
    store.db,
    sql`select string_agg(data::text, ' ') as text from call_events where call_id = ${sim.uuid}`,
  )
  t.notMatch(all?.text, '010-9999-8888', 'the unused phone number is nowhere in the events')
  t.notMatch(all?.text, '김민지', 'nor the unused name')
})

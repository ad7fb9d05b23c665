/**
 * An agent made available reaches the callers queued for it at once (the change's NOTIFY), not at the
 * queue's retry: here the retry is an hour, so a caller rung at all was rung by the notice. On PostgreSQL
 * the status is changed by the CLI in another process; on the embedded database by the store function.
 */
import { once } from 'node:events'
import t from 'tap'
import { setAgentStatus } from '../../lib/store/agents.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { cli } from '../helpers/cli.js'
import { dbKind, testStore } from '../helpers/db.js'
import { serveWith } from '../helpers/serve.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const HOUR = 3_600_000

t.test(`agent status available rings the queued caller now (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(
    store,
    `name: line
steps:
  A:
    - assign: { team: desk }
---
kind: team
name: desk
---
kind: agent
name: bob
dial: user/1001@pbx
teams: [desk]
status: away
`,
  )
  const world = await openWorld(t, store, { sweepMs: HOUR })
  const s = await serveWith({ world, resolve: (facts) => world.resolve(facts) })
  t.teardown(s.close)
  const fs = new FakeFreeSwitch({ seed: 8 })
  const entered = once(world.distributor, 'waiting')
  const call = fs.call({ port: s.port, script: { bridges: [{ legs: 'answer', ringMs: 100, talkMs: 1000 }] } })
  await entered

  const changed = Date.now()
  if (dbKind === 'postgres') {
    const r = await cli(['agent', 'status', 'bob', 'available'], store.env)
    t.equal(r.stdout, 'agent bob: available (was away)\n', r.stderr)
  } else t.match(await setAgentStatus(store, 'bob', 'available'), { ok: true, previous: 'away' })
  const result = await call.result
  const rungAfter = Date.now() - changed
  await s.server.whenIdle()
  const record = s.records.find((r) => r.id === result.uuid)
  t.match(
    record,
    { outcome: 'connected', agent: 'bob' },
    `rung by the notice; the call was over ${rungAfter} ms after the change began`,
  )
  t.same(
    result.apps.map((a) => a.name),
    ['answer', 'playback', 'bridge'],
    'hold music, then bob rang',
  )
  t.ok(rungAfter < 10_000, 'long before the default retry (10 s) would have rung')
})

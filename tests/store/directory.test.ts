import t from 'tap'
import { sql } from 'drizzle-orm'
import { once } from 'node:events'
import { openStore } from '../../lib/store/db.js'
import { loadDirectory } from '../../lib/store/directory.js'
import { bindNumber, unbindNumber } from '../../lib/store/numbers.js'
import { setWorkflowEnabled } from '../../lib/store/workflows.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const DOCS = `
kind: team
name: support
---
kind: agent
name: alice
dial: user/1001@pbx
teams: [support]
---
name: general
priority: 1
steps:
  A:
    - assign: { team: support }
---
name: vip
priority: 5
filter: { contact: { tag: vip } }
steps:
  A:
    - hangup:
---
name: sales
steps:
  A:
    - hangup:
---
name: waiting
trigger: queued
waitSeconds: 30
steps:
  A:
    - voicemail:
`

t.test(`the directory, resolution, and a binding changed while the world runs (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  // The CLI is another process: on PostgreSQL, another pool; PGlite is one process's.
  const cli = store.kind === 'postgres' ? await openStore(store.config) : store
  if (cli !== store) t.teardown(() => cli.close())

  const directory = await loadDirectory(store.db)
  t.same([...directory.workflows.keys()], ['general', 'sales', 'vip', 'waiting'])
  t.same(
    directory.candidates.incoming.map((w) => w.name),
    ['vip', 'general', 'sales'],
    'by priority, then name',
  )
  t.match(directory.agents.get('alice'), {
    kind: 'agent',
    dial: 'user/1001@pbx',
    teams: ['support'],
    status: 'available',
  })
  t.match(directory.teams.get('support'), { kind: 'team', strategy: 'simultaneous', ringSeconds: 20 })

  const world = await openWorld(t, store)
  t.match(await world.resolve({ caller: '010-1234-5678', dialed: '070-1234-5678' }), {
    workflow: { name: 'general' },
    version: 1,
  })
  // A contact tagged vip now matches the higher-priority filter.
  await store.db.execute(sql`insert into contacts (number, tags) values ('+821012345678', '{vip}')`)
  t.match(await world.resolve({ caller: '01012345678', dialed: '070-1234-5678' }), { workflow: { name: 'vip' } })
  t.equal(world.queuedWorkflow('support')?.name, 'waiting', 'the team-less queued workflow serves every team')

  let reloaded = once(world, 'reload')
  t.match(await bindNumber(cli, '070-1234-5678', 'sales', 'KR'), { ok: true })
  await reloaded
  t.match(await world.resolve({ caller: '010-1234-5678', dialed: '+82 70 1234 5678' }), { workflow: { name: 'sales' } })

  reloaded = once(world, 'reload')
  t.match(await setWorkflowEnabled(cli, 'sales', false, 'KR'), { ok: true })
  await reloaded
  t.match(
    await world.resolve({ caller: '010-1234-5678', dialed: '070-1234-5678' }),
    { workflow: { name: 'vip' } },
    'a number bound to a disabled workflow goes to the top-priority one',
  )
  reloaded = once(world, 'reload')
  t.match(await unbindNumber(cli, '070-1234-5678', 'KR'), { ok: true })
  await reloaded
  t.same([...world.directory.bindings], [])
})

import t from 'tap'
import { join } from 'node:path'
import { migrateStore, openStore } from '../../lib/store/db.js'
import type { StoreDirectory } from '../../lib/store/directory.js'
import { bindNumber } from '../../lib/store/numbers.js'
import { StoreWorld } from '../../lib/store/world.js'
import { serverUrl, testDatabase } from '../helpers/db.js'
import { applyYaml, tempDir } from '../helpers/store.js'
import { tcpProxy } from '../helpers/tcp-proxy.js'

t.test(
  'the LISTEN connection is lost and comes back: a change made meanwhile still reaches the world',
  { skip: serverUrl ? false : 'needs PostgreSQL (TEST_DATABASE_URL): the embedded database has no connection to lose' },
  async (t) => {
    const database = await testDatabase(t)
    const direct = await openStore(database.config)
    t.teardown(() => direct.close())
    await migrateStore(direct)
    await applyYaml(direct, 'name: main\nsteps:\n  A:\n    - hangup:\n')
    const target = new URL(database.url!)
    const proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    t.teardown(() => proxy.close())
    const proxied = new URL(database.url!)
    proxied.hostname = '127.0.0.1'
    proxied.port = String(proxy.port)
    const store = await openStore({ kind: 'postgres', url: proxied.toString() })
    t.teardown(() => store.close())
    const world = await StoreWorld.open(store, {
      region: 'KR',
      spoolDir: join(await tempDir(t, 'ivr-spool-'), 'spool'),
    })
    t.teardown(() => world.close())

    const bound = new Promise<StoreDirectory>((resolve) =>
      world.on('reload', (d) => {
        if (d.bindings.size > 0) resolve(d)
      }),
    )
    proxy.cut()
    // Sent while the world cannot hear it.
    t.match(await bindNumber(direct, '070-1234-5678', 'main', 'KR'), { ok: true })
    proxy.restore()
    const directory = await bound
    t.same([...directory.bindings], [['+827012345678', 'main']])
    t.match(await world.resolve({ caller: '010-1234-5678', dialed: '070-1234-5678' }), { workflow: { name: 'main' } })
  },
)

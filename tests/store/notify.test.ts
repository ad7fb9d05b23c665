import t from 'tap'
import { EventEmitter, once } from 'node:events'
import { openStore } from '../../lib/store/db.js'
import { listenForChanges, notifyChange, type ChangeNotice } from '../../lib/store/notify.js'
import { dbKind, testStore } from '../helpers/db.js'

t.test(`a change notice reaches listenForChanges, after its transaction commits (${dbKind})`, async (t) => {
  const store = await testStore(t)
  // On PostgreSQL the writer is another connection pool, as the CLI is another process.
  const writer = store.kind === 'postgres' ? await openStore(store.config) : store
  if (writer !== store) t.teardown(() => writer.close())
  const seen = new EventEmitter()
  const heard: ChangeNotice[] = []
  const stop = await listenForChanges(store, (what) => {
    heard.push(what)
    seen.emit('change', what)
  })
  const first = once(seen, 'change')
  await writer.db.transaction(async (tx) => {
    await notifyChange(tx, 'bindings')
    t.same(heard, [], 'nothing before the commit')
  })
  t.same(await first, ['bindings'])
  const second = once(seen, 'change')
  await notifyChange(writer.db, 'agents')
  t.same(await second, ['agents'])
  await stop()
  t.same(heard, ['bindings', 'agents'])
})

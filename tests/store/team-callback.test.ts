/** A team's callback settings survive the store: applied, loaded back as written, unchanged when applied again. */
import t from 'tap'
import { applyDocuments } from '../../lib/store/apply.js'
import { loadDirectory } from '../../lib/store/directory.js'
import { loadString } from '../../lib/workflow/load.js'
import { dbKind, testStore } from '../helpers/db.js'

const apply = (store: Awaited<ReturnType<typeof testStore>>, text: string) =>
  applyDocuments(store, loadString(text, 'team.yaml'), { region: 'KR', importedBy: 'test' })

t.test(`team callback settings round trip (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const text = `kind: schedule\nname: office\ntimezone: Asia/Seoul\nweekly: { mon-fri: ["09:00-18:00"] }\n---\nkind: team\nname: desk\ncallback: { attempts: 5, maxWaiting: 40, schedule: office }\n---\nkind: team\nname: plain\n`
  t.match(await apply(store, text), { ok: true })
  const directory = await loadDirectory(store.db)
  t.same(directory.teams.get('desk')?.callback, { attempts: 5, retrySeconds: 300, maxWaiting: 40, schedule: 'office' })
  t.equal(directory.teams.get('plain')?.callback, undefined, 'absent stays absent')
  t.match(await apply(store, text), {
    ok: true,
    report: { items: [{ change: 'unchanged' }, { change: 'unchanged' }, { change: 'unchanged' }] },
  })
  t.match(await apply(store, text.replace('attempts: 5, ', '')), {
    ok: true,
    report: {
      items: [
        { name: 'office', change: 'unchanged' },
        { name: 'desk', change: 'updated' },
        { name: 'plain', change: 'unchanged' },
      ],
    },
  })
  t.same((await loadDirectory(store.db)).teams.get('desk')?.callback, {
    attempts: 3,
    retrySeconds: 300,
    maxWaiting: 40,
    schedule: 'office',
  })
})

/** `ivr-router workflow graph`: from files (validated, the first workflow or --workflow) and from the store (NAME). */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { applyDocuments } from '../../lib/store/apply.js'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { workflowVersion } from '../../lib/store/workflows.js'
import { buildDiagram } from '../../lib/workflow/diagram.js'
import { renderMermaid } from '../../lib/workflow/diagram-mermaid.js'
import { loadFiles } from '../../lib/workflow/load.js'
import { cli } from '../helpers/cli.js'
import { dbKind, testDatabase } from '../helpers/db.js'

const golden = (name: string) => readFileSync(`tests/workflow/fixtures/diagrams/${name}`, 'utf8')

t.test('FILE: the first workflow of the files, the others named on stderr', async (t) => {
  const r = await cli(['workflow', 'graph', 'recipes/callback-when-busy.yaml'])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, golden('callback-when-busy.mmd'))
  t.equal(r.stderr, 'workflow callback-when-busy (also in the files: support-line; pick one with --workflow)\n')
})

t.test(`NAME: the current stored version draws as its file does (${dbKind})`, async (t) => {
  const db = await testDatabase(t)
  const store = await openStore(db.config)
  try {
    await migrateStore(store)
    for (const recipe of ['ivr-experience-design', 'callback-when-busy']) {
      const applied = await applyDocuments(store, await loadFiles([`recipes/${recipe}.yaml`]), {
        region: 'KR',
        importedBy: 'test',
      })
      t.ok(applied.ok, recipe)
    }
    for (const name of ['ivr-experience-design', 'callback-when-busy', 'support-line']) {
      const v = await workflowVersion(store.db, name)
      if (!v.ok) throw new Error(v.reasons.join())
      t.equal(renderMermaid(buildDiagram(v.workflow)), golden(`${name}.mmd`), name)
    }
  } finally {
    await store.close()
  }
  const dot = await cli(['workflow', 'graph', 'ivr-experience-design', '--format', 'dot'], db.env)
  t.equal(dot.code, 0, dot.stderr)
  t.equal(dot.stdout, golden('ivr-experience-design.dot'))
})

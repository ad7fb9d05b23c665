import t from 'tap'
import { applyDocuments } from '../../lib/store/apply.js'
import { bindNumber, listBindings, unbindNumber } from '../../lib/store/numbers.js'
import { setWorkflowEnabled } from '../../lib/store/workflows.js'
import { loadString } from '../../lib/workflow/load.js'
import { dbKind, testStore } from '../helpers/db.js'

const DOCS = `
name: main
steps:
  A:
    - hangup:
---
name: off
enabled: false
steps:
  A:
    - hangup:
---
name: waiting
trigger: queued
waitSeconds: 10
steps:
  A:
    - voicemail:
`

t.test(`number bind, unbind, list, refusals (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const applied = await applyDocuments(store, loadString(DOCS, 'docs.yaml'), { region: 'KR', importedBy: 't' })
  t.ok(applied.ok)

  for (const form of ['070-1234-5678', '07012345678', '+82 70 1234 5678'])
    t.match(await bindNumber(store, form, 'main', 'KR'), { ok: true, number: '+827012345678', workflow: 'main' }, form)
  t.match(await bindNumber(store, '02-555-0100', 'main', 'KR'), { ok: true, number: '+8225550100', previous: null })
  t.match(await listBindings(store.db), [
    { number: '+8225550100', workflow: 'main', enabled: true },
    { number: '+827012345678', workflow: 'main', enabled: true },
  ])

  t.same(await bindNumber(store, '070-1234-5678-9999', 'main', 'KR'), {
    ok: false,
    reasons: [
      '"070-1234-5678-9999" is not a phone number (region KR): write it as 070-1234-5678, 07012345678 or +82 70 1234 5678',
    ],
  })
  t.same(await bindNumber(store, '070-1234-5678', 'nope', 'KR'), {
    ok: false,
    reasons: ['cannot bind +827012345678: no workflow named "nope"'],
  })
  t.same(await bindNumber(store, '070-1234-5678', 'off', 'KR'), {
    ok: false,
    reasons: ['cannot bind +827012345678 to "off": it is disabled (ivr-router workflow enable off)'],
  })
  t.match(await bindNumber(store, '070-1234-5678', 'waiting', 'KR'), {
    ok: false,
    reasons: [/it is a queued workflow/],
  })
  t.match(await listBindings(store.db), [{ workflow: 'main' }, { workflow: 'main' }], 'refusals changed nothing')

  t.match(await setWorkflowEnabled(store, 'off', true, 'KR'), { ok: true })
  t.match(await bindNumber(store, '+82 70 1234 5678', 'off', 'KR'), { ok: true, previous: 'main' })
  t.match(await setWorkflowEnabled(store, 'off', false, 'KR'), { ok: true, numbers: ['+827012345678'] })
  t.match(await listBindings(store.db), [
    { workflow: 'main' },
    { number: '+827012345678', workflow: 'off', enabled: false },
  ])

  t.same(await unbindNumber(store, '07012345678', 'KR'), { ok: true, number: '+827012345678', workflow: 'off' })
  t.same(await unbindNumber(store, '07012345678', 'KR'), { ok: false, reasons: ['+827012345678 is not bound'] })
  t.equal((await listBindings(store.db)).length, 1)
})

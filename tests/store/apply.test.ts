import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { loadString } from '../../lib/workflow/load.js'
import { applyDocuments, type ApplyResult } from '../../lib/store/apply.js'
import { rows } from '../../lib/store/db.js'
import {
  diffVersions,
  listVersions,
  listWorkflows,
  rollbackWorkflow,
  setWorkflowEnabled,
  workflowVersion,
  workflowYaml,
} from '../../lib/store/workflows.js'
import { dbKind, testStore } from '../helpers/db.js'

const opts = { region: 'KR', importedBy: 'tester' }

const TEAMS = `
kind: team
name: support
strategy: sequential
---
kind: schedule
name: hours
timezone: Asia/Seoul
weekly: { mon-fri: ["09:00-18:00"] }
---
kind: agent
name: alice
dial: user/1001@pbx.example.com
teams: [support]
status: away
`

const menu = (say: string) => `
name: main
priority: 5
steps:
  intro:
    - branch:
        - if: { open: hours }
          goto: menu
        - goto: closed
  menu:
    - message: { say: "${say}" }
    - assign: { team: support }
  closed:
    - hangup: { inbox: true }
`

function ok(t: Test, r: ApplyResult) {
  if (!r.ok) t.fail(`apply refused: ${JSON.stringify(r)}`)
  return r.ok ? r.report : { items: [], contacts: 0 }
}

t.test(`apply: created, unchanged, new version, rollback (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const first = ok(t, await applyDocuments(store, loadString(TEAMS + '---\n' + menu('Hello'), 'a.yaml'), opts))
  t.same(
    first.items.map((i) => [i.kind, i.name, i.change]),
    [
      ['schedule', 'hours', 'created'],
      ['team', 'support', 'created'],
      ['agent', 'alice', 'created'],
      ['workflow', 'main', 'created'],
    ],
  )

  // Another layout, the same content: unchanged. References resolve to the stored team and schedule.
  const relaid = loadString(JSON.stringify(loadString(menu('Hello'), 'b.yaml').workflows[0]!.value), 'b.json')
  const again = ok(t, await applyDocuments(store, relaid, opts))
  t.same(again.items, [
    { kind: 'workflow', name: 'main', change: 'unchanged', version: 1, enabled: true, enabledChanged: false },
  ])

  const changed = ok(t, await applyDocuments(store, loadString(menu('Bonjour'), 'c.yaml'), { ...opts, note: 'french' }))
  t.match(changed.items, [{ name: 'main', change: 'updated', version: 2 }])
  const versions = await listVersions(store.db, 'main')
  t.same(
    versions?.map((v) => [v.version, v.current, v.note, v.importedBy]),
    [
      [1, false, null, 'tester'],
      [2, true, 'french', 'tester'],
    ],
  )

  const v2 = await workflowVersion(store.db, 'main')
  t.ok(v2.ok)
  if (v2.ok) {
    t.same(Object.keys(v2.workflow.steps), ['intro', 'menu', 'closed'], 'steps come back in the order written')
    t.equal(v2.workflow.start, 'intro', 'the start is explicit in the stored document')
    t.match(workflowYaml(v2.workflow), /^name: main\n/)
  }
  const diff = await diffVersions(store.db, 'main')
  t.ok(diff.ok)
  if (diff.ok) {
    t.same([diff.from, diff.to], [1, 2])
    t.same(
      diff.lines.filter((l) => l.op !== ' '),
      [
        { op: '-', text: '        say: Hello' },
        { op: '+', text: '        say: Bonjour' },
      ],
    )
  }

  const back = await rollbackWorkflow(store, 'main', 1, 'KR')
  t.same(back, { ok: true, name: 'main', from: 2, to: 1 })
  t.match(await listWorkflows(store.db), [{ name: 'main', version: 1, versions: 2, enabled: true, priority: 5 }])
  t.same(await rollbackWorkflow(store, 'main', 9, 'KR'), {
    ok: false,
    reasons: ['workflow "main" has no version 9 (its versions: 1, 2)'],
  })
  // Applying the current content again after a rollback is unchanged; v2's content is a new version 3.
  t.match(ok(t, await applyDocuments(store, loadString(menu('Hello'), 'd.yaml'), opts)).items, [
    { change: 'unchanged', version: 1 },
  ])
  t.match(ok(t, await applyDocuments(store, loadString(menu('Bonjour'), 'd.yaml'), opts)).items, [
    { change: 'updated', version: 3 },
  ])

  const agent = await rows<{ status: string }>(store.db, sql`select status from agents where name = 'alice'`)
  t.same(agent, [{ status: 'away' }], 'a new agent takes the status of its document')
  await store.db.execute(sql`update agents set status = 'available' where name = 'alice'`)
  ok(t, await applyDocuments(store, loadString(TEAMS, 'a.yaml'), opts))
  t.same(
    await rows(store.db, sql`select status from agents where name = 'alice'`),
    [{ status: 'available' }],
    'an existing agent keeps its presence',
  )
})

t.test(`apply: refused as a whole, with reasons (${dbKind})`, async (t) => {
  const store = await testStore(t)
  ok(t, await applyDocuments(store, loadString(TEAMS, 'a.yaml'), opts))
  const bad = await applyDocuments(
    store,
    loadString(menu('Hi').replace('team: support', 'team: sales') + '---\nkind: contact\nnumber: "12"\n', 'bad.yaml'),
    opts,
  )
  t.equal(bad.ok, false)
  if (!bad.ok)
    t.same(
      bad.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.document}: ${d.path}: ${d.message}`),
      [
        'workflow main: steps.menu[1].assign.team: unknown team "sales"',
        'contact 12: number: not a phone number (region KR)',
      ],
    )
  t.same(await listWorkflows(store.db), [], 'nothing written')

  const queued = (name: string) => `
name: ${name}
trigger: queued
waitSeconds: 30
team: support
steps:
  A:
    - voicemail:
`
  ok(t, await applyDocuments(store, loadString(queued('q1'), 'q1.yaml'), opts))
  const second = await applyDocuments(store, loadString(queued('q2'), 'q2.yaml'), opts)
  t.same(second, {
    ok: false,
    diagnostics: [],
    reasons: [
      'workflows "q1", "q2" would all be enabled queued workflows for team "support": only one may be (disable the others)',
    ],
  })
  t.same(
    (await listWorkflows(store.db)).map((w) => w.name),
    ['q1'],
    'the refused apply left nothing',
  )
  ok(
    t,
    await applyDocuments(
      store,
      loadString(queued('q2').replace('trigger: queued', 'enabled: false\ntrigger: queued'), 'q2.yaml'),
      opts,
    ),
  )
  t.match(await setWorkflowEnabled(store, 'q2', true, 'KR'), { ok: false, reasons: [/would all be enabled queued/] })
  t.match(await setWorkflowEnabled(store, 'q1', false, 'KR'), { ok: true, changed: true, enabled: false })
  t.match(await setWorkflowEnabled(store, 'q2', true, 'KR'), { ok: true, changed: true })
  t.match(await setWorkflowEnabled(store, 'q2', true, 'KR'), { ok: true, changed: false })
})

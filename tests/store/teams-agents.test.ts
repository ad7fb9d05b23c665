import t from 'tap'
import { addAgent, listAgents, removeAgent, setAgentStatus } from '../../lib/store/agents.js'
import { applyDocuments } from '../../lib/store/apply.js'
import { listSchedules, showSchedule } from '../../lib/store/schedules.js'
import { addTeam, listTeams, removeTeam } from '../../lib/store/teams.js'
import { loadString } from '../../lib/workflow/load.js'
import { dbKind, testStore } from '../helpers/db.js'

t.test(`teams and agents: add, change, list, remove, status, refusals (${dbKind})`, async (t) => {
  const store = await testStore(t)
  t.same(await addTeam(store, { name: 'support', strategy: 'sequential' }), {
    ok: true,
    name: 'support',
    change: 'created',
  })
  t.same(await addTeam(store, { name: 'support', ringSeconds: 30 }), { ok: true, name: 'support', change: 'updated' })
  t.match(await addTeam(store, { name: 'Bad Name' }), { ok: false, reasons: [/team Bad Name: name: /] })
  t.match(await addTeam(store, { name: 'x', strategy: 'loudest' }), { ok: false, reasons: [/team x: strategy: /] })
  t.same(
    await listTeams(store.db),
    [
      {
        name: 'support',
        title: null,
        strategy: 'sequential',
        ringSeconds: 30,
        wrapUpSeconds: null,
        maxNoAnswer: null,
        announcePositionSeconds: null,
        positionMessage: null,
        waitMessage: null,
        callbackAttempts: null,
        callbackRetrySeconds: null,
        callbackMaxWaiting: null,
        callbackSchedule: null,
        agents: [],
      },
    ],
    'a change keeps the fields not given',
  )
  await addTeam(store, { name: 'support', announcePositionSeconds: 60, wrapUpSeconds: 15, maxNoAnswer: 3 })
  await addTeam(store, { name: 'support', ringSeconds: 25 })
  t.match(
    await listTeams(store.db),
    [
      {
        name: 'support',
        ringSeconds: 25,
        announcePositionSeconds: 60,
        positionMessage: null,
        wrapUpSeconds: 15,
        maxNoAnswer: 3,
      },
    ],
    'position announcements, wrap-up and max-no-answer are kept too',
  )
  t.match(await addTeam(store, { name: 'support', announcePositionSeconds: 5 }), {
    ok: false,
    reasons: ['team support: announcePositionSeconds: must be at least 10'],
  })
  await addTeam(store, { name: 'support', ringSeconds: 30 })

  t.same(await addAgent(store, { name: 'alice' }), {
    ok: false,
    reasons: ['agent alice: a new agent needs a dial string'],
  })
  t.same(await addAgent(store, { name: 'alice', dial: 'user/1001', teams: ['sales'] }), {
    ok: false,
    reasons: ['agent alice: unknown team "sales" (ivr-router team add sales)'],
  })
  t.match(await addAgent(store, { name: 'alice', dial: 'user/1001 x' }), {
    ok: false,
    reasons: [/agent alice: dial: /],
  })
  t.match(await addAgent(store, { name: 'alice', dial: 'user/1001@pbx', teams: ['support'] }), { change: 'created' })
  t.match(await addAgent(store, { name: 'bob', dial: 'user/1002@pbx', teams: ['support'], status: 'away' }), {
    change: 'created',
  })
  t.same(await setAgentStatus(store, 'bob', 'available'), {
    ok: true,
    name: 'bob',
    status: 'available',
    previous: 'away',
  })
  t.same(await setAgentStatus(store, 'bob', 'sleeping'), {
    ok: false,
    reasons: ['agent status "sleeping": use available, away, offline'],
  })
  t.same(await setAgentStatus(store, 'carol', 'away'), { ok: false, reasons: ['no agent named "carol"'] })
  t.match(await addAgent(store, { name: 'alice', title: 'Alice' }), { change: 'updated' })
  t.match(await listAgents(store.db), [
    { name: 'alice', title: 'Alice', dial: 'user/1001@pbx', status: 'available', teams: ['support'], reservedBy: null },
    { name: 'bob', status: 'available', teams: ['support'] },
  ])
  t.match(await listTeams(store.db), [{ name: 'support', agents: ['alice', 'bob'] }])

  const applied = await applyDocuments(
    store,
    loadString(
      `name: main
steps:
  A:
    - assign: { agent: bob }
    - connect: { otherwise: B }
  B:
    - assign: { team: support }
---
kind: schedule
name: hours
timezone: Asia/Seoul
weekly: { mon-fri: ["09:00-18:00"] }
`,
      'main.yaml',
    ),
    { region: 'KR', importedBy: 't' },
  )
  t.ok(applied.ok)
  t.same(await removeTeam(store, 'support', 'KR'), {
    ok: false,
    reasons: ['team "support" is still used: workflow main: steps.B[0].assign.team: unknown team "support"'],
  })
  t.same(await removeAgent(store, 'bob', 'KR'), {
    ok: false,
    reasons: ['agent "bob" is still used: workflow main: steps.A[0].assign.agent: unknown agent "bob"'],
  })
  t.same(await removeAgent(store, 'alice', 'KR'), { ok: true, name: 'alice' })
  t.same(await removeAgent(store, 'alice', 'KR'), { ok: false, reasons: ['no agent named "alice"'] })
  t.same(
    (await listAgents(store.db)).map((a) => a.name),
    ['bob'],
  )
  t.same(await removeTeam(store, 'nope', 'KR'), { ok: false, reasons: ['no team named "nope"'] })

  const monday10 = Date.parse('2026-11-23T10:00:00+09:00')
  t.match(await listSchedules(store.db, monday10), [
    { name: 'hours', timezone: 'Asia/Seoul', open: true, nextChange: Date.parse('2026-11-23T18:00:00+09:00') },
  ])
  t.match(await showSchedule(store.db, 'hours', monday10), {
    ok: true,
    document: { weekly: { 'mon-fri': ['09:00-18:00'] } },
  })
  t.same(await showSchedule(store.db, 'none', monday10), { ok: false, reasons: ['no schedule named "none"'] })
})

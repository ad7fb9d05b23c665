/**
 * The reports over records the engine itself made: the shipped recipes run in the simulator (the
 * engine `serve` runs), stored through writeRecord as `serve` stores them.
 */
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { simulate } from '../../lib/sim/simulate.js'
import type { Scenario } from '../../lib/sim/scenario.js'
import { writeRecord } from '../../lib/store/records.js'
import { findReport, runReport } from '../../lib/store/reports.js'
import { dbKind, testStore } from '../helpers/db.js'
import { directoryOf } from '../helpers/sim.js'

const scenario = (s: Partial<Scenario>): Scenario => ({
  keys: [],
  connect: [],
  queueWaitSeconds: 0,
  talkSeconds: 60,
  voicemailSeconds: 10,
  ...s,
})

t.test(`reports over simulated recipe calls on ${dbKind}`, async (t) => {
  const store = await testStore(t)
  const ivr = directoryOf(await readFile('recipes/ivr-experience-design.yaml', 'utf8'))
  const busy = directoryOf(await readFile('recipes/callback-when-busy.yaml', 'utf8'))
  const calls = [
    // Weekday morning: presses 1, an orders agent answers.
    {
      id: 'r1',
      directory: ivr,
      at: '2026-11-23T10:00:00+09:00',
      scenario: scenario({ keys: ['1'], connect: ['answer'] }),
    },
    // Presses nothing three times: the menu's otherwise (general, support); nobody free; gives up after 30 s.
    { id: 'r2', directory: ivr, at: '2026-11-23T10:10:00+09:00', scenario: scenario({ queueWaitSeconds: 30 }) },
    // Night: the closed message, then the call ends.
    { id: 'r3', directory: ivr, at: '2026-11-23T22:00:00+09:00', scenario: scenario({}) },
    // The support queue: after 60 s the queued workflow offers a voicemail, 1 takes it.
    {
      id: 'r4',
      directory: busy,
      at: '2026-11-23T10:20:00+09:00',
      scenario: scenario({ keys: ['1'], queueWaitSeconds: 300 }),
    },
  ]
  for (const c of calls) {
    const r = await simulate({
      directory: c.directory,
      caller: '010-1234-5678',
      dialed: '070-1234-5678',
      at: Date.parse(c.at),
      region: 'KR',
      scenario: c.scenario,
    })
    t.ok(await writeRecord(store.db, { ...r.record, id: c.id }), `${c.id}: ${r.outcome}`)
  }
  const run = (name: string) => runReport(store.db, findReport(name)!, { timeZone: 'Asia/Seoul' })
  t.same(await run('calls-per-day'), [
    { day: '2026-11-23', calls: 4, connected: 1, abandoned: 0, missed: 1, voicemail: 1, hangup: 1, failed: 0 },
  ])
  t.same(await run('menu-choices'), [
    { workflow: 'callback-when-busy', step: 'offer', choice: '1', result: 'ok', presses: 1, calls: 1 },
    {
      workflow: 'ivr-experience-design',
      step: 'main-menu',
      choice: 'no-input',
      result: 'no-input',
      presses: 3,
      calls: 1,
    },
    { workflow: 'ivr-experience-design', step: 'main-menu', choice: '1', result: 'ok', presses: 1, calls: 1 },
  ])
  // [workflow, step, reached, ended_here, the outcome of the calls that ended there]
  t.same(
    (await run('step-funnel')).map((r) => [
      r.workflow,
      r.step,
      r.reached,
      r.ended_here,
      ['connected', 'abandoned', 'missed', 'voicemail', 'hangup'].filter((o) => r[o] !== 0).join(),
    ]),
    [
      ['callback-when-busy', 'offer', 1, 0, ''],
      ['callback-when-busy', 'leave-message', 1, 1, 'voicemail'],
      ['ivr-experience-design', 'hours', 3, 0, ''],
      ['ivr-experience-design', 'closed', 1, 1, 'hangup'],
      ['ivr-experience-design', 'main-menu', 2, 0, ''],
      ['ivr-experience-design', 'general', 1, 1, 'missed'],
      ['ivr-experience-design', 'orders', 1, 1, 'connected'],
      ['support-line', 'A', 1, 0, ''],
    ],
  )
  // r2 waited 30 s; r4 60 s, then the offer and the voicemail in the queue: 86 s (the offer is a long prompt).
  t.same(await run('queue-wait'), [
    {
      team: 'support',
      queued: 2,
      answered: 0,
      abandoned: 1,
      p50_seconds: 58,
      p90_seconds: 80.4,
      p99_seconds: 85.4,
      avg_seconds: 58,
      max_seconds: 86,
    },
  ])
  t.same(await run('missed-by-team'), [
    {
      team: 'support',
      missed: 2,
      queue_abandoned: 1,
      workflow_hangup: 0,
      voicemail: 1,
      router_lost: 0,
      open: 2,
      avg_wait_seconds: 58,
    },
  ])
})

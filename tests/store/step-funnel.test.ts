/**
 * The step funnel from stored records: calls reaching each step once however often they loop, the moves between
 * steps, how calls ended after their last step, the queued workflow's steps kept apart, and the period by the day
 * the call started in the time zone asked (c4 started the next day in Seoul).
 */
import t from 'tap'
import type { CallEvent, CallRecord } from '../../lib/engine/record.js'
import { writeRecord } from '../../lib/store/records.js'
import { stepFunnel } from '../../lib/store/step-funnel.js'
import { dbKind, testStore } from '../helpers/db.js'
import { callRecord } from '../helpers/store.js'

const steps = (...path: [workflow: string, step: string][]): CallEvent[] =>
  path.map(([workflow, step], i) => ({ at: i * 1000, type: 'step', step, workflow }) as CallEvent)

const call = (id: string, outcome: CallRecord['outcome'], events: CallEvent[], startedAt = '2026-12-07T10:00:00Z') =>
  callRecord(id, {
    outcome,
    events,
    steps: events.map((e) => (e as { step: string }).step),
    startedAt: Date.parse(startedAt),
  })

t.test(`step funnel of a workflow over a period (${dbKind})`, async (t) => {
  const store = await testStore(t)
  for (const record of [
    call('c1', 'connected', steps(['main', 'A'], ['main', 'B'])),
    // A wrong key twice: the menu step B is visited three times, by one call.
    call(
      'c2',
      'missed',
      steps(['main', 'A'], ['main', 'B'], ['main', 'B'], ['main', 'B'], ['main', 'C'], ['wait', 'W']),
    ),
    call('c3', 'abandoned', steps(['main', 'A'])),
    call('c4', 'connected', steps(['main', 'A'], ['main', 'B']), '2026-12-08T10:00:00Z'),
    call('c5', 'connected', steps(['other', 'A'])),
  ])
    await writeRecord(store.db, record)
  const day = { from: '2026-12-07', to: '2026-12-07', timeZone: 'Asia/Seoul' }
  const funnel = await stepFunnel(store.db, 'main', day)
  t.same(funnel, {
    calls: 3,
    steps: [
      { step: 'A', calls: 3, visits: 3 },
      { step: 'B', calls: 2, visits: 4 },
      { step: 'C', calls: 1, visits: 1 },
    ],
    moves: [
      { from: 'A', to: 'B', times: 2 },
      { from: 'B', to: 'B', times: 2 },
      { from: 'B', to: 'C', times: 1 },
    ],
    // c2 went on to the queued workflow: its last step is W there.
    ends: [
      { step: 'A', outcome: 'abandoned', calls: 1 },
      { step: 'B', outcome: 'connected', calls: 1 },
    ],
  })
  const queued = await stepFunnel(store.db, 'wait', day)
  t.same(queued.steps, [{ step: 'W', calls: 1, visits: 1 }], "the queued workflow's own steps")
  t.same(queued.ends, [{ step: 'W', outcome: 'missed', calls: 1 }])
})

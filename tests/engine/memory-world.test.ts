/** The in-memory world's reservations: one call per agent, and the agents who did not answer freed at once. */
import t from 'tap'
import { MemoryWorld } from '../../lib/server/memory-world.js'
import { systemClock } from '../../lib/server/system-clock.js'
import { directoryOf } from '../helpers/sim.js'

const world = new MemoryWorld(
  directoryOf(`
kind: team
name: all
---
kind: agent
name: a1
dial: user/1@pbx
teams: [all]
---
kind: agent
name: a2
dial: user/2@pbx
teams: [all]
`),
  { clock: systemClock, region: 'KR', record: async () => {}, sendSms: async () => {} },
)

t.test('reserved agents are not rung for another call; answering frees the others', async (t) => {
  const first = await world.ringPlan('c1', { team: 'all' })
  t.same(
    first.targets.map((x) => x.agent),
    ['a1', 'a2'],
  )
  t.same((await world.ringPlan('c2', { team: 'all' })).targets, [], 'nobody free while both ring')
  await first.answered('a1')
  const third = await world.ringPlan('c3', { team: 'all' })
  t.same(
    third.targets.map((x) => x.agent),
    ['a2'],
    'a2 is free once a1 answered',
  )
  await third.release()
  await first.release()
  t.same(
    (await world.ringPlan('c4', { team: 'all' })).targets.map((x) => x.agent),
    ['a1', 'a2'],
  )
})

t.test('agents whose ring went unanswered rest for the retry delay', async (t) => {
  let now = Date.parse('2026-11-25T10:00:00Z')
  const clock = { ...systemClock, now: () => now }
  const resting = new MemoryWorld(
    directoryOf(`kind: team\nname: all\n---\nkind: agent\nname: a1\ndial: user/1@pbx\nteams: [all]\n`),
    {
      clock,
      region: 'KR',
      retryDelaySeconds: 30,
      record: async () => {},
      sendSms: async () => {},
    },
  )
  await (await resting.ringPlan('c1', { team: 'all' })).release(true)
  t.same((await resting.ringPlan('c2', { team: 'all' })).targets, [], 'resting after no answer')
  now += 29_000
  t.same((await resting.ringPlan('c2', { team: 'all' })).targets, [], 'still resting at 29 s')
  now += 1_000
  const after = await resting.ringPlan('c2', { team: 'all' })
  t.same(
    after.targets.map((x) => x.agent),
    ['a1'],
    'rung again at 30 s',
  )
  await after.release(false)
  t.same(
    (await resting.ringPlan('c3', { team: 'all' })).targets.map((x) => x.agent),
    ['a1'],
    'a ring that ended otherwise leaves no rest',
  )
})

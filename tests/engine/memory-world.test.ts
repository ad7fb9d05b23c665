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

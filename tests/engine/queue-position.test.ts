/** Position announcements in the simulator: on entering the queue, then every `announcePositionSeconds`. */
import t from 'tap'
import { transcriptLine } from '../../lib/sim/transcript.js'
import { run } from '../helpers/sim.js'

const docs = (team: string) => `
name: line
steps:
  A:
    - assign: { team: desk }
---
kind: team
name: desk
${team}
---
kind: agent
name: bob
dial: user/1001@pbx
teams: [desk]
`

t.test('the caller hears its place on entering and every 30 s, between spells of hold music', async (t) => {
  const r = await run(docs('announcePositionSeconds: 30'), { connect: ['none'], queueWaitSeconds: 70 })
  t.match(r, { outcome: 'missed', inbox: { reason: 'queue_abandoned' } })
  const queue = r.events.filter((e) => e.type === 'queue')
  t.match(queue, [
    { event: 'enter', team: 'desk', at: 0 },
    { event: 'position', position: 1, team: 'desk', at: 0 },
    { event: 'position', position: 1, at: 30_000 },
    { event: 'position', position: 1 },
    { event: 'leave', team: 'desk' },
  ])
  t.equal(queue.length, 5, 'three announcements in the wait')
  const lines = r.events.map(transcriptLine)
  t.ok(
    lines.some((l) => l.includes('queue: position 1 announced')),
    'the transcript shows it',
  )
})

t.test('no announcement without the setting; an agent freeing up still rings', async (t) => {
  const quiet = await run(docs(''), { connect: ['none', 'none', 'answer'], queueWaitSeconds: 60 })
  t.equal(quiet.outcome, 'connected')
  t.same(
    quiet.events.filter((e) => e.type === 'queue' && e.event === 'position'),
    [],
  )
  const told = await run(docs('announcePositionSeconds: 10\npositionMessage: "You are number {{position}}."'), {
    connect: ['none', 'none', 'answer'],
    queueWaitSeconds: 60,
  })
  t.equal(told.outcome, 'connected', 'announcements do not keep the caller from the agent')
  t.ok(told.events.filter((e) => e.type === 'queue' && e.event === 'position').length >= 1)
})

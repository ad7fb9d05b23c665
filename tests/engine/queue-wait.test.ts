/** The queue wait a call records is the time until an agent answered, not the talk that followed. */
import t from 'tap'
import { run } from '../helpers/sim.js'

const yaml = `
name: q
steps:
  A:
    - assign: { team: support }
---
kind: team
name: support
---
kind: agent
name: alice
dial: user/1001@pbx.example.com
teams: [support]
`

t.test('answered from the queue: the wait leaves the talk out', async (t) => {
  const short = await run(yaml, { connect: ['none', 'answer'], queueWaitSeconds: 100, talkSeconds: 60 })
  const long = await run(yaml, { connect: ['none', 'answer'], queueWaitSeconds: 100, talkSeconds: 600 })
  t.equal(short.outcome, 'connected')
  t.equal(long.record.talkSeconds, 600)
  t.equal(long.record.queueSeconds, short.record.queueSeconds, 'the same wait whatever the talk')
  t.ok(short.record.queueSeconds < 60, `waited ${short.record.queueSeconds} s, less than the talk`)
  const leave = long.events.find((e) => e.type === 'queue' && e.event === 'leave')
  t.match(leave, { waitSeconds: long.record.queueSeconds }, 'the leave event says the same')
})

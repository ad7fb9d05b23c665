/**
 * `simulate --callback …`: a callback the caller takes is then served in virtual time by the router's own runner
 * (agent first, the team's interval between attempts, its attempts and its callback schedule), with the customer
 * answering as scripted; the CLI names a wrong entry.
 */
import t from 'tap'
import { parseCallback } from '../../lib/sim/scenario.js'
import { run } from '../helpers/sim.js'

const DOCS = (settings: string) => `
name: line
steps:
  A:
    - assign: { team: support }
    - callback: {}
---
kind: team
name: support
callback: { ${settings} }
---
kind: agent
name: minji
dial: user/1001@pbx
teams: [support]
---
kind: schedule
name: office
timezone: Asia/Seoul
weekly: { mon-fri: ["09:00-18:00"] }
`

t.test('no answer, then answer: served at the second attempt, the interval between them', async (t) => {
  const r = await run(DOCS('attempts: 3, retrySeconds: 600'), { keys: ['1'], callback: ['no-answer', 'answer'] })
  t.equal(r.outcome, 'callback')
  const served = r.callback!.served!
  t.match(served, { status: 'served', attempts: 2 })
  t.match(served.offers, [
    { outcome: 'unreached', agent: 'minji', cause: 'NO_ANSWER' },
    { outcome: 'served', agent: 'minji', talkSeconds: 60 },
  ])
  const gap = served.offers[1]!.at - served.offers[0]!.at
  t.ok(gap >= 600_000, `the second attempt after the team's 600 s (${gap / 1000} s)`)
})

t.test('the customer never answers: failed when the attempts run out, no more calls', async (t) => {
  const r = await run(DOCS('attempts: 2, retrySeconds: 60'), { keys: ['1'], callback: ['busy', 'no-answer', 'answer'] })
  t.match(r.callback!.served, { status: 'failed', attempts: 2 })
  t.same(
    r.callback!.served!.offers.map((o) => ('cause' in o ? o.cause : o.outcome)),
    ['USER_BUSY', 'NO_ANSWER'],
  )
})

t.test('outside the team’s callback schedule the first attempt waits for it to open', async (t) => {
  // Saturday 10:00 in Seoul: the office opens Monday 09:00, 47 hours later.
  const r = await run(DOCS('schedule: office'), {
    keys: ['1'],
    callback: ['answer'],
    at: '2026-11-21T10:00:00+09:00',
  })
  const [offer] = r.callback!.served!.offers
  t.match(offer, { outcome: 'served' })
  t.ok(offer!.at >= 47 * 3_600_000, `served after the office opened (+${Math.round(offer!.at / 3_600_000)} h)`)
})

t.test('--callback names a wrong entry', async (t) => {
  t.same(parseCallback('answer, no-answer,busy'), ['answer', 'no-answer', 'busy'])
  t.throws(() => parseCallback('answer,later'), /--callback entry 2 "later": use answer, no-answer, busy/)
})

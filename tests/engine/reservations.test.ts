/**
 * The DESIGN.md example workflow through the simulator: every path of it, its outcomes and the
 * seed's inbox rules. Monday 2026-11-23 10:00 KST is open; 20:00 is closed.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { run, type Run } from '../helpers/sim.js'

const yaml = readFileSync(new URL('../fixtures/workflows/reservations.yaml', import.meta.url), 'utf8')
const CLOSED = '2026-11-23T20:00:00+09:00'

type Case = {
  name: string
  run: Run
  outcome: string
  steps: string[]
  inbox?: string | null
  team?: string | null
  agent?: string | null
  fields?: Record<string, string>
  tags?: string[]
  sms?: number
}

const cases: Case[] = [
  {
    name: 'open, key 1, reservation number, reservations team answers',
    run: { keys: ['1', '123456#'], connect: ['answer'] },
    outcome: 'connected',
    steps: ['A', 'B', 'D'],
    team: 'reservations',
    agent: 'alice',
    fields: { reservationNo: '123456' },
    tags: ['reservation'],
  },
  {
    name: 'nobody answers: otherwise F assigns support, nobody free, caller leaves the queue',
    run: { keys: ['1', '123456#'], connect: ['no-answer'] },
    outcome: 'missed',
    inbox: 'queue_abandoned',
    steps: ['A', 'B', 'D', 'F'],
    team: 'support',
    agent: null,
  },
  {
    name: 'busy, then support answers at the end of the workflow: bob, since alice rests after her busy ring',
    run: { keys: ['1', '123456#'], connect: ['busy', 'answer'] },
    outcome: 'connected',
    steps: ['A', 'B', 'D', 'F'],
    team: 'support',
    agent: 'bob',
  },
  {
    name: 'support is free after a wait in the queue',
    run: { keys: ['1', '123456#'], connect: ['no-answer', 'none', 'none', 'answer'], queueWaitSeconds: 60 },
    outcome: 'connected',
    steps: ['A', 'B', 'D', 'F'],
    team: 'support',
  },
  {
    name: 'closed: message then hangup with inbox',
    run: { at: CLOSED },
    outcome: 'missed',
    inbox: 'workflow_hangup',
    steps: ['A', 'C'],
  },
  {
    name: 'holiday is closed all day',
    run: { at: '2026-12-25T10:00:00+09:00' },
    outcome: 'missed',
    inbox: 'workflow_hangup',
    steps: ['A', 'C'],
  },
  {
    name: 'key 2: SMS and voicemail',
    run: { keys: ['2'] },
    outcome: 'voicemail',
    inbox: 'voicemail',
    steps: ['A', 'B', 'E'],
    sms: 1,
  },
  {
    name: 'no input three times: the call ends with no inbox row',
    run: { keys: [] },
    outcome: 'hangup',
    inbox: null,
    steps: ['A', 'B'],
  },
  {
    name: 'repeat key then 2',
    run: { keys: ['*', '2'] },
    outcome: 'voicemail',
    steps: ['A', 'B', 'E'],
  },
  {
    name: 'repeat three times uses up the plays',
    run: { keys: ['*', '*', '*', '1'] },
    outcome: 'hangup',
    steps: ['A', 'B'],
  },
  {
    name: 'invalid key then valid',
    run: { keys: ['9', '2'] },
    outcome: 'voicemail',
    steps: ['A', 'B', 'E'],
  },
  {
    name: 'reservation number too short, then right',
    run: { keys: ['1', '123#', '1234567#'], connect: ['answer'] },
    outcome: 'connected',
    steps: ['A', 'B', 'D'],
    fields: { reservationNo: '1234567' },
  },
  {
    name: 'menu and form plays share the repeat count per prompt, not per call',
    run: { keys: ['_', '1', '_', '_', '_'] },
    outcome: 'hangup',
    steps: ['A', 'B', 'D'],
    fields: {},
  },
  {
    name: 'caller hangs up on entering the menu: abandoned, no inbox row',
    run: { hangupAtStep: 'B' },
    outcome: 'abandoned',
    inbox: null,
    steps: ['A', 'B'],
  },
  {
    name: 'caller hangs up in the form step: abandoned',
    run: { keys: ['1'], hangupAtStep: 'D' },
    outcome: 'abandoned',
    inbox: null,
    steps: ['A', 'B', 'D'],
  },
  {
    name: 'caller hangs up while the fallback team is assigned: still in the IVR',
    run: { keys: ['1', '123456#'], connect: ['no-answer'], hangupAtStep: 'F' },
    outcome: 'abandoned',
    inbox: null,
    steps: ['A', 'B', 'D', 'F'],
  },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = await run(yaml, c.run)
    t.equal(r.workflow, 'reservations')
    t.equal(r.outcome, c.outcome, 'outcome')
    t.same(r.steps, c.steps, 'steps')
    if (c.inbox !== undefined) t.same(r.inbox?.reason ?? null, c.inbox, 'inbox')
    if (c.team !== undefined) t.equal(r.team, c.team, 'team')
    if (c.agent !== undefined) t.equal(r.agent, c.agent, 'agent')
    if (c.fields) t.same(r.fields, c.fields, 'fields')
    if (c.tags) t.same(r.tags, c.tags, 'tags')
    if (c.sms !== undefined) t.equal(r.sms.length, c.sms, 'sms')
  })
}

t.test('the SMS goes to the caller in E.164 with placeholders filled', async (t) => {
  const r = await run(yaml, { keys: ['2'], caller: '010-9876-5432' })
  t.same(r.sms, [{ to: '+821098765432', text: '예약 변경은 https://example.com/r/ 에서 가능합니다.' }])
})

t.test('events tell what was played, pressed and rung, in order', async (t) => {
  const r = await run(yaml, { keys: ['9', '1', '123456#'], connect: ['answer'] })
  const kinds = r.events.map((e) => e.type)
  t.same(kinds, ['step', 'branch', 'step', 'menu', 'message', 'menu', 'step', 'collect', 'tag', 'assign', 'ring'])
  const ring = r.events.at(-1)
  t.match(ring, {
    type: 'ring',
    step: 'D',
    team: 'reservations',
    targets: ['alice'],
    result: 'answered',
    answeredBy: 'alice',
  })
  t.match(r.events[3], { type: 'menu', play: 1, keys: '9', result: 'invalid' })
  t.match(r.events[4], { type: 'message', prompt: 'say "잘못 누르셨습니다."' }, 'the invalid prompt')
  t.ok(
    r.events.every((e, i) => i === 0 || e.at >= r.events[i - 1]!.at),
    'time never goes back',
  )
})

t.test('the queue wait is measured in virtual time', async (t) => {
  const r = await run(yaml, { keys: ['1', '123456#'], connect: ['no-answer'], queueWaitSeconds: 90 })
  t.equal(r.outcome, 'missed')
  t.equal(r.record.queueSeconds, 90)
  t.equal(r.record.endedAt - r.record.startedAt > 90_000, true)
})

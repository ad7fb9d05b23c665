/** The `callback` action through the simulator: which number, its read-back, and every way it is not taken. */
import t from 'tap'
import { runCall } from '../../lib/engine/run.js'
import { SimCall } from '../../lib/sim/call.js'
import { VirtualClock } from '../../lib/sim/clock.js'
import { SimWorld } from '../../lib/sim/world.js'
import { DEFAULT_CALLBACK_MESSAGE } from '../../lib/workflow/schema.js'
import { directoryOf, run } from '../helpers/sim.js'

const TEAM = `
---
kind: team
name: support
callback: { attempts: 5, retrySeconds: 60, maxWaiting: 1 }
`

/** An incoming workflow that assigns support, then runs `action` in step B (`SORRY` when not taken). */
const incoming = (action: string, before = '') => `
name: line
steps:
  A:
    - assign: { team: support, priority: 7 }
${before}
    - goto: B
  B:
    - ${action}
  SORRY:
    - hangup: { message: { say: "죄송합니다." } }
${TEAM}`

const prompts = (events: { type: string; prompt?: string }[]) =>
  events.filter((e) => e.type === 'message').map((e) => e.prompt)

t.test("the caller's own number, confirmed with 1: taken, the message, outcome callback", async (t) => {
  const r = await run(incoming('callback: { otherwise: SORRY }'), { keys: ['1'] })
  t.equal(r.outcome, 'callback')
  t.equal(r.inbox, null, 'no inbox row: the callback is followed up')
  t.same(r.callback, { id: 'cb-sim-0001', number: '+821012345678', team: 'support' })
  t.match(
    r.events.filter((e) => e.type === 'callback' || e.type === 'callback-input'),
    [
      { type: 'callback-input', play: 1, keys: '1', result: 'confirmed' },
      { type: 'callback', result: 'taken', number: '+821012345678', id: 'cb-sim-0001' },
    ],
  )
  t.same(prompts(r.events), [`say "${DEFAULT_CALLBACK_MESSAGE}"`])
  t.match(r.events.at(-1), { type: 'hangup', by: 'workflow' })
})

t.test('the read-back says the number digit by digit, in its national groups', async (t) => {
  const directory = directoryOf(incoming('callback: {}'))
  const clock = new VirtualClock(Date.parse('2026-11-23T10:00:00+09:00'))
  const world = new SimWorld(directory, clock, 'KR')
  const scenario = { keys: ['1'], connect: [], queueWaitSeconds: 0, talkSeconds: 1, voicemailSeconds: 1 }
  const call = new SimCall('c1', '010-1234-5678', '070-1234-5678', clock, scenario)
  const read: string[] = []
  const readKeys = call.readKeys.bind(call)
  call.readKeys = async (req) => {
    if ('say' in req.prompt) read.push(req.prompt.say)
    return readKeys(req)
  }
  world.call = call
  const record = await clock.drive(runCall({ workflow: directory.workflows[0]!, call, world }))
  t.equal(record.outcome, 'callback')
  t.match(read[0], /0 1 0, 1 2 3 4, 5 6 7 8/)
  const taken = world.callbacks[0]!
  t.match(taken, {
    callId: 'c1',
    forWhom: { team: 'support' },
    priority: 7,
    number: '+821012345678',
    caller: '+821012345678',
    dialed: '+827012345678',
    attempts: 5,
    retrySeconds: 60,
    limit: 1,
  })
})

t.test('a number collected earlier, without confirmation', async (t) => {
  const r = await run(
    incoming(
      'callback: { number: { field: phone }, confirm: false, message: { say: "곧 전화드릴게요." } }',
      `    - collect: { prompt: { say: "번호를 눌러주세요." }, field: phone, minDigits: 10, maxDigits: 11 }`,
    ),
    { keys: ['01099998888#'] },
  )
  t.equal(r.outcome, 'callback')
  t.same(r.callback, { id: 'cb-sim-0001', number: '+821099998888', team: 'support' })
  t.notOk(
    r.events.some((e) => e.type === 'callback-input'),
    'nothing read back',
  )
  t.same(prompts(r.events), ['say "곧 전화드릴게요."'])
})

t.test('2 enters another number (a wrong one first), then 1 confirms it', async (t) => {
  const r = await run(incoming('callback: { otherwise: SORRY }'), { keys: ['2', '12#', '0311234567#', '1'] })
  t.equal(r.outcome, 'callback')
  t.same(r.callback?.number, '+82311234567')
  t.match(
    r.events.filter((e) => e.type === 'callback-input').map((e) => e.type === 'callback-input' && e.result),
    ['another', 'invalid', 'entered', 'confirmed'],
  )
  t.ok(prompts(r.events).includes('say "번호를 다시 확인해 주세요."'), 'a wrong number is said to be wrong')
})

t.test('re-entry is bounded by the repeat count: then otherwise', async (t) => {
  // repeat 3: three read-backs, each answered 2 and another number: never confirmed.
  const keys = ['2', '01011112222#', '2', '01033334444#', '2', '01055556666#']
  const r = await run(incoming('callback: { otherwise: SORRY }'), { keys })
  t.equal(r.outcome, 'hangup')
  t.same(r.steps, ['A', 'B', 'SORRY'])
  t.match(
    r.events.find((e) => e.type === 'callback'),
    {
      result: 'unconfirmed',
      number: '+821012345678',
      goto: 'SORRY',
    },
  )
  t.equal(r.callback, null)
})

t.test('no key at all: unconfirmed after the repeat count, the next action without otherwise', async (t) => {
  const r = await run(incoming('callback: {}').replace('  SORRY:\n', '    - tag: [no-callback]\n  SORRY:\n'), {})
  t.equal(r.callback, null)
  t.same(r.tags, ['no-callback'], 'the call went on with the next action')
  t.equal(r.events.filter((e) => e.type === 'callback-input').length, 3, 'three read-backs (repeat 3), then given up')
})

t.test('a caller whose number is not a phone number: otherwise', async (t) => {
  const r = await run(incoming('callback: { otherwise: SORRY }'), { caller: 'anonymous' })
  t.same(r.steps, ['A', 'B', 'SORRY'])
  t.match(
    r.events.find((e) => e.type === 'callback'),
    { result: 'invalid-number', goto: 'SORRY' },
  )
})

t.test('nobody assigned: otherwise', async (t) => {
  const r = await run(incoming('callback: { otherwise: SORRY }', '    - unassign: all'), { keys: ['1'] })
  t.same(r.steps, ['A', 'B', 'SORRY'])
  t.match(
    r.events.find((e) => e.type === 'callback'),
    { result: 'unassigned', goto: 'SORRY' },
  )
  t.equal(r.callback, null)
})

t.test("the team's line full (maxWaiting): otherwise, nothing taken", async (t) => {
  const directory = directoryOf(incoming('callback: { otherwise: SORRY }'))
  const clock = new VirtualClock(Date.parse('2026-11-23T10:00:00+09:00'))
  const world = new SimWorld(directory, clock, 'KR')
  const scenario = { keys: ['1', '1'], connect: [], queueWaitSeconds: 0, talkSeconds: 1, voicemailSeconds: 1 }
  const runOne = (id: string) => {
    const call = new SimCall(id, '010-1234-5678', '070-1234-5678', clock, scenario)
    world.call = call
    return clock.drive(runCall({ workflow: directory.workflows[0]!, call, world }))
  }
  t.equal((await runOne('c1')).outcome, 'callback')
  const second = await runOne('c2')
  t.equal(second.outcome, 'hangup')
  t.same(second.steps, ['A', 'B', 'SORRY'])
  t.match(
    second.events.find((e) => e.type === 'callback'),
    { result: 'full', number: '+821012345678', goto: 'SORRY' },
  )
  t.equal(world.callbacks.length, 1, 'the limit of one open callback holds')
})

t.test('in the queued workflow: the caller leaves the line with a callback', async (t) => {
  const r = await run(
    `
name: line
steps:
  A:
    - assign: { team: support }
---
name: busy
trigger: queued
team: support
waitSeconds: 30
steps:
  Q:
    - menu: { prompt: { say: "콜백은 1번" }, options: { "1": CB } }
  CB:
    - callback: {}
${TEAM}`,
    { keys: ['1', '1'], queueWaitSeconds: 600 },
  )
  t.equal(r.outcome, 'callback')
  t.same(r.steps, ['A', 'Q', 'CB'])
  t.match(r.events.at(-1), { type: 'queue', event: 'leave' })
  t.ok(r.record.queueSeconds >= 30, 'the wait counts as queued')
})

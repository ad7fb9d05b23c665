/** Each action and condition of DESIGN.md through the simulator, on small inline workflows. */
import t from 'tap'
import { run } from '../helpers/sim.js'

const TEAMS = `
---
kind: team
name: sales
---
kind: team
name: support
---
kind: agent
name: alice
dial: user/1001@pbx.example.com
teams: [sales, support]
---
kind: agent
name: bob
dial: user/1002@pbx.example.com
teams: [support]
`

/** A workflow whose branch goes to Y when `cond` holds, else N; both steps hang up. */
function branchOn(cond: string, extra = '') {
  return `
name: cond
steps:
  S:
${extra}
    - branch:
        - if: ${cond}
          goto: Y
        - goto: N
  Y:
    - hangup: {}
  N:
    - hangup: {}
---
kind: schedule
name: hours
timezone: Asia/Seoul
weekly: { mon-fri: ["09:00-18:00"] }
---
kind: contact
number: "010-1234-5678"
name: Kim
tags: [vip]
attributes: { tier: gold }
${TEAMS}`
}

const conditionCases: [string, string, Record<string, string>, 'Y' | 'N'][] = [
  ['caller prefix written nationally matches E.164', '{ caller: { prefix: "010" } }', {}, 'Y'],
  ['caller prefix in E.164', '{ caller: { prefix: "+8210" } }', {}, 'Y'],
  ['caller prefix mismatch', '{ caller: { prefix: "+8270" } }', {}, 'N'],
  ['caller equals in another form', '{ caller: { equals: "+82 10 1234 5678" } }', {}, 'Y'],
  ['caller in list', '{ caller: { in: ["01000000000", "010-1234-5678"] } }', {}, 'Y'],
  ['caller from another number', '{ caller: { equals: "01012345678" } }', { caller: '0212345678' }, 'N'],
  ['anonymous caller does not exist', '{ caller: { exists: true } }', { caller: '' }, 'N'],
  ['dialed equals', '{ dialed: { equals: "070-1234-5678" } }', {}, 'Y'],
  ['dialed minLength counts digits', '{ dialed: { minLength: 12 } }', {}, 'Y'],
  ['dialed maxLength', '{ dialed: { maxLength: 5 } }', {}, 'N'],
  ['open schedule', '{ open: hours }', {}, 'Y'],
  ['closed schedule', '{ closed: hours }', {}, 'N'],
  ['closed at night', '{ closed: hours }', { at: '2026-11-23T22:00:00+09:00' }, 'Y'],
  ['weekend is closed', '{ open: hours }', { at: '2026-11-22T10:00:00+09:00' }, 'N'],
  ['contact tag', '{ contact: { tag: vip } }', {}, 'Y'],
  ['contact tag missing', '{ contact: { tag: blocked } }', {}, 'N'],
  ['unknown caller has no contact tag', '{ contact: { tag: vip } }', { caller: '01099998888' }, 'N'],
  ['contact attribute', '{ contact: { attr: tier, equals: gold } }', {}, 'Y'],
  ['contact attribute other value', '{ contact: { attr: tier, in: [silver, bronze] } }', {}, 'N'],
  ['all', '{ all: [{ open: hours }, { caller: { prefix: "010" } }] }', {}, 'Y'],
  ['all with one false', '{ all: [{ open: hours }, { caller: { prefix: "02" } }] }', {}, 'N'],
  ['any', '{ any: [{ closed: hours }, { caller: { prefix: "010" } }] }', {}, 'Y'],
  ['not', '{ not: { open: hours } }', {}, 'N'],
]

for (const [name, cond, opts, expected] of conditionCases) {
  t.test(`condition: ${name}`, async (t) => {
    const r = await run(branchOn(cond), opts)
    t.same(r.steps, ['S', expected])
  })
}

t.test('condition: team and field', async (t) => {
  const wf = branchOn(
    '{ all: [{ team: sales }, { field: { name: order, prefix: "12", minLength: 4 } }] }',
    `    - collect: { prompt: { say: "주문 번호" }, field: order, minDigits: 2, maxDigits: 8 }
    - assign: { team: sales }`,
  )
  t.same((await run(wf, { keys: ['1234#'] })).steps, ['S', 'Y'])
  t.same((await run(wf, { keys: ['9234#'] })).steps, ['S', 'N'])
  t.same((await run(wf, { keys: ['12#'] })).steps, ['S', 'N'], 'minLength')
})

t.test('a branch with no matching entry goes on to the next action', async (t) => {
  const r = await run(`
name: fall
steps:
  A:
    - branch:
        - if: { caller: { prefix: "+1" } }
          goto: B
    - tag: [domestic]
    - hangup: {}
  B:
    - hangup: {}`)
  t.same(r.steps, ['A'])
  t.same(r.tags, ['domestic'])
  t.equal(r.outcome, 'hangup')
})

t.test('goto, tags accumulate once, unassign', async (t) => {
  const r = await run(`
name: g
steps:
  A:
    - tag: [a, b]
    - assign: { team: sales }
    - goto: B
  B:
    - tag: b
    - unassign: team
${TEAMS}`)
  t.same(r.steps, ['A', 'B'])
  t.same(r.tags, ['a', 'b'])
  t.equal(r.team, null)
  t.equal(r.outcome, 'hangup', 'nothing assigned at the end: hang up')
})

t.test('assigning a team after an agent rings the team, not the agent again', async (t) => {
  const r = await run(
    `
name: fallback
steps:
  A:
    - assign: { agent: bob }
    - connect: { otherwise: B }
  B:
    - assign: { team: sales }
${TEAMS}`,
    { connect: ['no-answer', 'answer'] },
  )
  t.equal(r.outcome, 'connected')
  t.equal(r.agent, 'alice')
  t.equal(r.team, 'sales')
  const rings = r.events.filter((e) => e.type === 'ring')
  t.match(rings, [
    { agent: 'bob', targets: ['bob'] },
    { team: 'sales', targets: ['alice'] },
  ])
})

t.test('a try-connect met again is skipped, not rung twice', async (t) => {
  const r = await run(
    `
name: twice
steps:
  M:
    - menu:
        prompt: { say: "1번" }
        options: { "1": C }
  C:
    - assign: { team: support }
    - connect: { otherwise: M }
${TEAMS}`,
    { keys: ['1', '1'], connect: ['busy', 'answer'] },
  )
  const rings = r.events.filter((e) => e.type === 'ring').map((e) => (e.type === 'ring' ? e.result : ''))
  t.same(rings, ['busy', 'skipped'])
  t.same(r.steps, ['M', 'C', 'M', 'C', 'M'])
  t.equal(r.outcome, 'hangup', 'the third menu gets no key')
})

t.test('try connect without otherwise goes to the queue', async (t) => {
  const r = await run(
    `
name: q
steps:
  A:
    - assign: { team: support }
    - connect: {}
    - tag: [never]
${TEAMS}`,
    { connect: ['no-answer'], queueWaitSeconds: 30 },
  )
  t.equal(r.outcome, 'missed')
  t.same(r.inbox, { reason: 'queue_abandoned' })
  t.same(r.tags, [], 'the actions after a failed connect do not run')
  t.equal(r.record.queueSeconds, 30)
})

t.test('caller hangs up back in the IVR after ringing failed: abandoned', async (t) => {
  const r = await run(
    `
name: r
steps:
  A:
    - assign: { team: support }
    - connect: { otherwise: B }
  B:
    - hangup: {}
${TEAMS}`,
    { connect: ['no-answer'], hangupAtStep: 'B' },
  )
  t.equal(r.outcome, 'abandoned')
})

t.test('a round-robin team offers one agent at a time, never an away one', async (t) => {
  const teams = `
---
kind: team
name: rr
strategy: round-robin
---
kind: agent
name: a1
dial: user/1@x
teams: [rr]
---
kind: agent
name: a2
dial: user/2@x
teams: [rr]
---
kind: agent
name: a3
dial: user/3@x
teams: [rr]
status: away`
  const r = await run(`name: rr\nsteps:\n  A:\n    - assign: { team: rr }\n${teams}`, {
    connect: ['no-answer', 'no-answer', 'answer'],
  })
  t.match(
    r.events.filter((e) => e.type === 'ring'),
    [
      { targets: ['a1'], result: 'no-answer' },
      { targets: ['a2'], result: 'no-answer' },
      { targets: ['a1'], result: 'answered' },
    ],
    'a1, then a2, then (waiting in the queue) a1 again; a3 is away',
  )
})

t.test('hangup with message and inbox', async (t) => {
  const r = await run(
    `name: h\nsteps:\n  A:\n    - hangup: { inbox: true, message: { play: "ivr/bye.wav" } }\n    - tag: [x]`,
  )
  t.equal(r.outcome, 'missed')
  t.same(r.inbox, { reason: 'workflow_hangup' })
  t.match(r.events, [
    { type: 'step' },
    { type: 'message', prompt: 'play ivr/bye.wav' },
    { type: 'hangup', by: 'workflow' },
  ])
})

t.test('a voice message ending the workflow outside hours hangs up instead of connecting', async (t) => {
  const wf = `
name: off
steps:
  A:
    - assign: { team: support }
    - branch:
        - if: { closed: hours }
          goto: C
  C:
    - message: { say: "상담 시간이 아닙니다." }
---
kind: schedule
name: hours
timezone: Asia/Seoul
weekly: { mon-fri: ["09:00-18:00"] }
${TEAMS}`
  const night = await run(wf, { at: '2026-11-23T22:00:00+09:00', connect: ['answer'] })
  t.equal(night.outcome, 'hangup')
  t.equal(night.events.filter((e) => e.type === 'ring').length, 0)
})

t.test('collect: pattern, end key and otherwise', async (t) => {
  const wf = `
name: c
repeat: 2
steps:
  A:
    - collect:
        prompt: { say: "휴대폰 번호" }
        field: phone
        minDigits: 10
        maxDigits: 11
        pattern: "01[0-9]{8,9}"
        otherwise: B
    - sms: { to: "{{fields.phone}}", text: "hi {{ fields.phone }} from {{dialed}}" }
  B:
    - hangup: {}`
  const ok = await run(wf, { keys: ['01055556666#'] })
  t.same(ok.fields, { phone: '01055556666' })
  t.same(ok.sms, [{ to: '+821055556666', text: 'hi 01055556666 from +827012345678' }])
  const bad = await run(wf, { keys: ['0295556666#', ''] })
  t.same(bad.steps, ['A', 'B'])
  t.same(bad.fields, {})
  t.match(
    bad.events.filter((e) => e.type === 'collect'),
    [{ result: 'invalid' }, { result: 'no-input' }],
  )
})

t.test('collect stops reading at maxDigits', async (t) => {
  const r = await run(
    `name: m\nsteps:\n  A:\n    - collect: { prompt: { say: "x" }, field: f, minDigits: 3, maxDigits: 4, endKey: "none" }`,
    {
      keys: ['123456'],
    },
  )
  t.same(r.fields, { f: '1234' })
})

t.test('menu: # can be an option, otherwise on exhaustion', async (t) => {
  const wf = `
name: hash
repeat: 1
steps:
  A:
    - menu:
        prompt: { say: "x" }
        options: { "#": B }
        otherwise: C
  B:
    - tag: [hash]
  C:
    - tag: [gave-up]`
  t.same((await run(wf, { keys: ['#'] })).tags, ['hash'])
  t.same((await run(wf, { keys: ['5'] })).tags, ['gave-up'])
})

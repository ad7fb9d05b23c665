/**
 * The distributor over real sockets, with the agents' phones of the FreeSWITCH simulator (one per agent, shared
 * by every call, counting double bookings): many callers offered different agents at once, hunting past no
 * answer and busy, an agent set away after unanswered offers, wrap-up, an unreachable agent skipped, priority.
 */
import t from 'tap'
import { once } from 'node:events'
import type { AgentNotice } from '../../lib/routing/ledger.js'
import { FakeFreeSwitch, type PhoneBook } from '../../lib/testing/fake-freeswitch/index.js'
import { serve, type Served } from '../helpers/serve.js'

const agents = (team: string, names: string[], extra = '') =>
  names.map((n) => `---\nkind: agent\nname: ${n}\ndial: user/${n}@pbx\nteams: [${team}]\n${extra}\n`).join('')

const line = (team: string, strategy: string, names: string[], extra = '') => `
name: line
steps:
  A:
    - assign: { team: ${team} }
---
kind: team
name: ${team}
strategy: ${strategy}
ringSeconds: 20
${extra}
${agents(team, names)}`

/** A switch whose agents' phones behave as `book` says, calling into `s`. */
function phones(s: Served, book: PhoneBook, idleSpeed = 1) {
  const fs = new FakeFreeSwitch({ seed: 9, idleSpeed, phones: book })
  return {
    fs,
    call: (script = {}, channel: { callerNumber?: string } = {}) =>
      fs.call({ port: s.port, channel: { destination: '07012345678', ...channel }, script }),
  }
}

const bridged = (apps: { name: string; arg?: string | undefined }[]) =>
  apps
    .filter((a) => a.name === 'bridge')
    .map((a) => [...(a.arg ?? '').matchAll(/ivr_agent=([\w-]+)/g)].map((m) => m[1]))

t.test('30 callers, 30 agents: 30 different agents ring at once', async (t) => {
  const names = Array.from({ length: 30 }, (_, i) => `a${i}`)
  const s = await serve(line('desk', 'round-robin', names))
  t.teardown(s.close)
  const { fs, call } = phones(s, () => ({ outcome: 'manual', talkMs: 100 }))
  const allRinging = new Promise<void>((resolve) =>
    fs.phones.on('ring', () => fs.phones.ringingNow().length === 30 && resolve()),
  )
  const calls = names.map(() => call())
  await allRinging
  t.same(fs.phones.ringingNow().sort(), names.map((n) => `user/${n}@pbx`).sort(), 'every agent rings, once')
  t.equal(fs.phones.doubleBooked.length, 0)
  for (const n of names) fs.phones.answer(`user/${n}@pbx`)
  const results = await Promise.all(calls.map((c) => c.result))
  t.ok(
    results.every((r) => bridged(r.apps).length === 1),
    'each caller rang one agent, who answered',
  )
  await s.server.whenIdle()
  t.same(new Set(s.records.map((r) => r.agent)).size, 30, '30 calls, 30 agents')
})

t.test('hunting: agent 2 rings after agent 1 did not answer, agent 3 after agent 2 was busy', async (t) => {
  const s = await serve(line('desk', 'sequential', ['first', 'second', 'third']), {}, { retryDelaySeconds: 60 })
  t.teardown(s.close)
  const { call } = phones(
    s,
    {
      'user/first@pbx': { outcome: 'no-answer' },
      'user/second@pbx': { outcome: 'busy' },
      'user/third@pbx': { outcome: 'answer', talkMs: 1000 },
    },
    1000,
  )
  const result = await call().result
  t.same(bridged(result.apps), [['first'], ['second'], ['third']], 'one agent per bridge, in order')
  t.match(result.apps.filter((a) => a.name === 'bridge')[0]!.arg, /originate_timeout=20/)
  await s.server.whenIdle()
  t.match(s.records[0], { outcome: 'connected', agent: 'third' })
  t.match(
    s.records[0]!.events.filter((e) => e.type === 'ring').map((e) => e.type === 'ring' && e.result),
    ['no-answer', 'busy', 'answered'],
  )
  const next = await call().result
  t.same(bridged(next.apps), [['third']], 'the next caller: first and second rest (60 s), third is free')
})

t.test('maxNoAnswer: an agent who lets offers ring out is set away, logged and counted', async (t) => {
  const notices: AgentNotice[] = []
  const s = await serve(
    line('desk', 'sequential', ['sleepy', 'awake'], 'maxNoAnswer: 2'),
    {},
    { onNotice: (n) => notices.push(n) },
  )
  t.teardown(s.close)
  const { call } = phones(
    s,
    { 'user/sleepy@pbx': { outcome: 'no-answer' }, 'user/awake@pbx': { outcome: 'answer', talkMs: 100 } },
    1000,
  )
  t.same(bridged((await call().result).apps), [['sleepy'], ['awake']])
  t.same(notices, [], 'one unanswered offer: still available')
  t.same(bridged((await call().result).apps), [['sleepy'], ['awake']])
  t.same(notices, [{ kind: 'away', agent: 'sleepy', noAnswers: 2 }])
  t.same(bridged((await call().result).apps), [['awake']], 'away: no longer offered')
  const world = s.world
  t.equal(world.ledger.agentView('sleepy')?.status, 'away')
})

t.test('wrap-up: the agent is not offered the next caller before it ends', async (t) => {
  const s = await serve(line('desk', 'sequential', ['solo'], 'wrapUpSeconds: 2'))
  t.teardown(s.close)
  const { fs, call } = phones(s, { 'user/solo@pbx': { outcome: 'answer', ringMs: 50, talkMs: 300 } })
  const ended = once(fs.phones, 'end')
  const first = call()
  const [leg] = (await ended) as [{ endedAt: number }]
  const second = call()
  await Promise.all([first.result, second.result])
  const legs = fs.phones.legs
  t.equal(legs.length, 2)
  const gap = legs[1]!.startedAt - leg.endedAt
  t.ok(gap >= 2000, `the second call rang solo ${(gap / 1000).toFixed(2)} s after the first ended (wrap-up 2 s)`)
  await s.server.whenIdle()
  t.match(
    s.records.map((r) => r.outcome),
    ['connected', 'connected'],
  )
})

t.test('an unreachable agent is skipped for a while and reported; the caller hunts on', async (t) => {
  const notices: AgentNotice[] = []
  const s = await serve(line('desk', 'sequential', ['gone', 'here']), {}, { onNotice: (n) => notices.push(n) })
  t.teardown(s.close)
  const { call } = phones(
    s,
    { 'user/gone@pbx': { outcome: 'unavailable' }, 'user/here@pbx': { outcome: 'answer', talkMs: 100 } },
    1000,
  )
  t.same(bridged((await call().result).apps), [['gone'], ['here']])
  t.match(notices, [{ kind: 'unreachable', agent: 'gone', cause: 'USER_NOT_REGISTERED' }])
  t.same(bridged((await call().result).apps), [['here']], 'the next caller is not offered gone')
  const world = s.world
  t.match(world.ledger.agentView('gone'), { restReason: 'unreachable', restCause: 'USER_NOT_REGISTERED' })
})

t.test('ring-all: each leg that cannot reach its agent makes that agent unreachable, whoever answers', async (t) => {
  const notices: AgentNotice[] = []
  const s = await serve(
    `
name: line
steps:
  A:
    - assign: { team: all }
---
kind: team
name: all
strategy: simultaneous
---
kind: agent
name: gone
dial: user/gone@pbx
teams: [all]
---
kind: agent
name: far
dial: sofia/gateway/carrier/far
teams: [all]
---
kind: agent
name: here
dial: user/here@pbx
teams: [all]
`,
    {},
    { onNotice: (n) => notices.push(n) },
  )
  t.teardown(s.close)
  const { call } = phones(
    s,
    {
      'user/gone@pbx': { outcome: 'unavailable' },
      'sofia/gateway/carrier/far': { outcome: 'unavailable' },
      'user/here@pbx': { outcome: 'answer', talkMs: 100 },
    },
    1000,
  )
  const first = await call().result
  t.same(bridged(first.apps), [['gone', 'far', 'here']], 'one bridge rang all three')
  t.match(first.apps.find((a) => a.name === 'bridge')?.arg, /\[origination_uuid=[0-9a-f-]{36},ivr_agent=gone\]/)
  await s.server.whenIdle()
  t.match(s.records[0], { outcome: 'connected', agent: 'here' })
  t.match(
    notices.sort((a, b) => a.agent.localeCompare(b.agent)),
    [
      // No channel was created for an unregistered user: FreeSWITCH names no cause for that leg alone.
      { kind: 'unreachable', agent: 'far', cause: 'NO_ROUTE_DESTINATION' },
      { kind: 'unreachable', agent: 'gone', cause: 'LEG_NOT_CREATED' },
    ],
  )
  t.match(s.world.ledger.agentView('gone'), { restReason: 'unreachable', restCause: 'LEG_NOT_CREATED' })
  t.match(s.world.ledger.agentView('far'), { restReason: 'unreachable', restCause: 'NO_ROUTE_DESTINATION' })
  t.same(bridged((await call().result).apps), [['here']], 'the next caller rings only the agent it can reach')
})

t.test('a team whose agents are all unreachable: the try-connect goes to otherwise at once', async (t) => {
  const s = await serve(`
name: line
steps:
  A:
    - assign: { team: desk }
    - connect: { otherwise: B }
  B:
    - hangup: { inbox: true }
---
kind: team
name: desk
${agents('desk', ['gone'])}`)
  t.teardown(s.close)
  const { call } = phones(s, { 'user/gone@pbx': { outcome: 'unavailable' } }, 1000)
  await call().result
  const second = await call().result
  t.same(bridged(second.apps), [], 'nobody rung')
  await s.server.whenIdle()
  t.match(s.records[1], { outcome: 'missed', steps: ['A', 'B'] })
})

t.test('priority jumps the line', async (t) => {
  const s = await serve(`
name: line
steps:
  A:
    - branch:
        - if: { caller: { prefix: "+8210999" } }
          goto: VIP
        - goto: N
  VIP:
    - assign: { team: desk, priority: 10 }
  N:
    - assign: { team: desk }
---
kind: team
name: desk
strategy: sequential
${agents('desk', ['solo'])}`)
  t.teardown(s.close)
  const world = s.world
  const { fs, call } = phones(s, { 'user/solo@pbx': { outcome: 'manual', talkMs: 100 } })
  const ringing = once(fs.phones, 'ring')
  const busy = call()
  await ringing
  const waiting = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => world.distributor.inLine().length >= n && resolve()
      world.distributor.on('waiting', check)
      check()
    })
  const early = call({}, { callerNumber: '01011112222' })
  await waiting(1)
  const vip = call({}, { callerNumber: '01099990000' })
  await waiting(2)
  const next = once(fs.phones, 'ring')
  fs.phones.answer('user/solo@pbx')
  const [leg] = (await next) as [{ call: string }]
  t.equal(leg.call, vip.uuid, 'the priority caller, who came later, is offered solo first')
  fs.phones.answer('user/solo@pbx')
  const last = once(fs.phones, 'ring')
  await last
  fs.phones.answer('user/solo@pbx')
  await Promise.all([busy.result, early.result, vip.result])
})

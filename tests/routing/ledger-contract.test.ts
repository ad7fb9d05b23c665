/**
 * The distributor's rules, run against both ledgers: the memory one (`serve FILE`, `simulate`) and the
 * store's SQL (every router on a database). Same scenarios, same answers.
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import type { Clock, RingEnd } from '../../lib/engine/world.js'
import type { Ledger, Place, RouteResult } from '../../lib/routing/ledger.js'
import { MemoryLedger } from '../../lib/routing/memory-ledger.js'
import { rows } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { dbKind, testStore } from '../helpers/db.js'
import { directoryOf } from '../helpers/sim.js'
import { applyYaml } from '../helpers/store.js'

type AgentState = { status: string; reservedBy: string | null; restReason: string | null; noAnswers: number }

type Harness = {
  ledger: Ledger
  /** Every rest ends now. */
  endRests(): Promise<void>
  agent(name: string): Promise<AgentState>
}

const REST = { retryDelaySeconds: 10, unreachableSeconds: 60 }

const agentsYaml = (names: string[], team: string, extra = '') =>
  names.map((n) => `---\nkind: agent\nname: ${n}\ndial: user/${n}@pbx\nteams: [${team}]\n${extra}\n`).join('')

async function memoryHarness(yaml: string): Promise<Harness> {
  const dir = directoryOf(yaml)
  let now = Date.parse('2026-12-07T10:00:00Z')
  const clock: Clock = { now: () => now, sleep: () => new Promise(() => {}) }
  const ledger = new MemoryLedger(dir.teams, dir.agents, { clock, ...REST, random: () => 0.5 })
  return {
    ledger,
    endRests: async () => void (now += 3_600_000),
    agent: async (name) => {
      const a = ledger.agentView(name)!
      return {
        status: a.status,
        reservedBy: a.reservedBy ?? null,
        restReason: (a.restUntil ?? 0) > now ? (a.restReason ?? null) : null,
        noAnswers: a.noAnswers,
      }
    },
  }
}

async function storeHarness(t: Test, yaml: string): Promise<Harness> {
  const store = await testStore(t)
  await applyYaml(store, yaml)
  const ledger = new StoreLedger(store.db, { routerId: 'r1', leaseSeconds: 60, aliveSeconds: 600, ...REST })
  await ledger.sweep()
  return {
    ledger,
    endRests: async () => {
      await store.db.execute(sql`update agents set rest_until = now() where rest_until is not null`)
    },
    agent: async (name) => {
      const [a] = await rows<AgentState>(
        store.db,
        sql`select status, reserved_by as "reservedBy", no_answers as "noAnswers",
              case when rest_until > now() then rest_reason end as "restReason"
            from agents where name = ${name}`,
      )
      return a!
    },
  }
}

const HARNESSES: [string, (t: Test, yaml: string) => Promise<Harness>][] = [
  ['memory', (_t, yaml) => memoryHarness(yaml)],
  [dbKind, storeHarness],
]

const ask = (team: string, mode: 'try' | 'queue' = 'queue', priority = 0, exclude: string[] = []): Place => ({
  ask: mode,
  forWhom: { team },
  priority,
  exclude,
})
const names = (r: RouteResult) => r.mine.map((m) => m.name)
const request = (h: Harness, call: string, place: Place) => h.ledger.route({ callId: call, caller: '', place })
const finish = (h: Harness, call: string, end: RingEnd, place: Place = 'leave') =>
  h.ledger.route({ callId: call, caller: '', release: { end }, place })
const offersTo = (r: RouteResult) => Object.fromEntries(r.others.map((o) => [o.callId, o.agents.map((a) => a.name)]))

function team(name: string, strategy: string, extra = '') {
  return `kind: team\nname: ${name}\nstrategy: ${strategy}\n${extra}\n`
}

for (const [kind, make] of HARNESSES) {
  t.test(`${kind}: one agent per caller, in the team's order; the fourth caller waits`, async (t) => {
    const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1', 'a2', 'a3'], 'desk'))
    const got = []
    for (const c of ['c1', 'c2', 'c3', 'c4']) got.push(names(await request(h, c, ask('desk'))))
    t.same(got, [['a1'], ['a2'], ['a3'], []])
    const released = await finish(h, 'c2', { outcome: 'answered', agent: 'a2', talkSeconds: 30 })
    t.same(offersTo(released), { c4: ['a2'] }, 'the agent released goes to the caller waiting')
  })

  t.test(`${kind}: ring-all offers every free agent to the first caller, none to the next`, async (t) => {
    const h = await make(t, team('all', 'simultaneous') + agentsYaml(['a1', 'a2'], 'all'))
    t.same(names(await request(h, 'c1', ask('all'))), ['a1', 'a2'])
    t.same(names(await request(h, 'c2', ask('all'))), [])
    const r = await h.ledger.route({
      callId: 'c1',
      caller: '',
      release: { end: { outcome: 'unused' }, keep: 'a2' },
      place: 'stay',
    })
    t.same(names(r), ['a2'], 'a2 answered and stays reserved')
    t.same(offersTo(r), { c2: ['a1'] }, 'a1 goes to the next caller at once')
  })

  t.test(
    `${kind}: hunting: no answer rests the agent and offers the next; busy too; never the same twice`,
    async (t) => {
      const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1', 'a2', 'a3'], 'desk'))
      t.same(names(await request(h, 'c1', ask('desk'))), ['a1'])
      t.same(
        names(await finish(h, 'c1', { outcome: 'no-answer', cause: 'NO_ANSWER' }, ask('desk', 'queue', 0, ['a1']))),
        ['a2'],
      )
      t.match(await h.agent('a1'), { restReason: 'no-answer', noAnswers: 1, reservedBy: null })
      t.same(
        names(await finish(h, 'c1', { outcome: 'busy', cause: 'USER_BUSY' }, ask('desk', 'queue', 0, ['a1', 'a2']))),
        ['a3'],
      )
      t.match(await h.agent('a2'), { restReason: 'busy', noAnswers: 0 })
      await h.endRests()
      t.same(
        names(await finish(h, 'c1', { outcome: 'no-answer' }, ask('desk', 'queue', 0, ['a1', 'a2', 'a3']))),
        [],
        'everyone this hunt rang is left out, even rested',
      )
      const again = await h.ledger.sweep()
      t.same(
        again.find((a) => a.callId === 'c1')?.agents.map((a) => a.name),
        ['a1'],
        'a sweep offers them again',
      )
    },
  )

  t.test(`${kind}: maxNoAnswer sets an agent away`, async (t) => {
    const h = await make(t, team('desk', 'sequential', 'maxNoAnswer: 2') + agentsYaml(['a1'], 'desk'))
    await request(h, 'c1', ask('desk'))
    await finish(h, 'c1', { outcome: 'no-answer' }, 'stay')
    await h.endRests()
    t.same(names(await request(h, 'c1', ask('desk'))), ['a1'])
    const r = await finish(h, 'c1', { outcome: 'no-answer' }, 'stay')
    t.same(r.notices, [{ kind: 'away', agent: 'a1', noAnswers: 2 }])
    t.match(await h.agent('a1'), { status: 'away', noAnswers: 0 })
  })

  t.test(`${kind}: wrap-up after a call (the agent's own wins over the team's), then offered again`, async (t) => {
    const h = await make(
      t,
      team('desk', 'sequential', 'wrapUpSeconds: 30') +
        agentsYaml(['a1'], 'desk') +
        agentsYaml(['a2'], 'desk', 'wrapUpSeconds: 0'),
    )
    await request(h, 'c1', ask('desk'))
    await request(h, 'c2', ask('desk'))
    const r1 = await finish(h, 'c1', { outcome: 'answered', agent: 'a1', talkSeconds: 60 })
    t.ok(r1.restEndsAt, 'a rest to wake up for')
    t.match(await h.agent('a1'), { restReason: 'wrap-up' })
    await finish(h, 'c2', { outcome: 'answered', agent: 'a2', talkSeconds: 60 })
    t.match(await h.agent('a2'), { restReason: null }, 'no wrap-up for a2')
    t.same(names(await request(h, 'c3', ask('desk'))), ['a2'])
    t.same(names(await request(h, 'c4', ask('desk'))), [], 'a1 is wrapping up')
    await h.endRests()
    const swept = await h.ledger.sweep()
    t.same(
      swept.find((a) => a.callId === 'c4')?.agents.map((a) => a.name),
      ['a1'],
    )
  })

  t.test(`${kind}: an unreachable agent is skipped for a while, with its cause`, async (t) => {
    const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1', 'a2'], 'desk'))
    await request(h, 'c1', ask('desk', 'try'))
    const r = await finish(
      h,
      'c1',
      { outcome: 'unavailable', cause: 'USER_NOT_REGISTERED' },
      ask('desk', 'try', 0, ['a1']),
    )
    t.match(r.notices, [{ kind: 'unreachable', agent: 'a1', cause: 'USER_NOT_REGISTERED' }])
    t.same(names(r), ['a2'])
    t.match(await h.agent('a1'), { restReason: 'unreachable' })
    await finish(h, 'c1', { outcome: 'unused' })
    t.same(names(await request(h, 'c2', ask('desk', 'try'))), ['a2'], 'a1 is still skipped')
  })

  t.test(`${kind}: a ring-all's legs that could not reach their agents make those agents unreachable`, async (t) => {
    const h = await make(t, team('all', 'simultaneous') + agentsYaml(['a1', 'a2', 'a3', 'a4'], 'all'))
    t.same(names(await request(h, 'c1', ask('all'))), ['a1', 'a2', 'a3', 'a4'])
    // At the bridge: a3 answered; the legs of a1 and a2 had failed to reach them, a4's lost the race.
    const bridged = await h.ledger.route({
      callId: 'c1',
      caller: '',
      release: {
        end: {
          outcome: 'unused',
          unreachable: [
            { agent: 'a1', cause: 'LEG_NOT_CREATED' },
            { agent: 'a2', cause: 'NO_ROUTE_DESTINATION' },
          ],
        },
        keep: 'a3',
      },
      place: 'stay',
    })
    t.same(names(bridged), ['a3'])
    const answered = await finish(h, 'c1', {
      outcome: 'answered',
      agent: 'a3',
      talkSeconds: 5,
      unreachable: [
        { agent: 'a1', cause: 'LEG_NOT_CREATED' },
        { agent: 'a2', cause: 'NO_ROUTE_DESTINATION' },
      ],
    })
    t.match(
      bridged.notices.sort((x, y) => x.agent.localeCompare(y.agent)),
      [
        { kind: 'unreachable', agent: 'a1', cause: 'LEG_NOT_CREATED' },
        { kind: 'unreachable', agent: 'a2', cause: 'NO_ROUTE_DESTINATION' },
      ],
      'whoever answered, the legs that failed to reach their agents are reported',
    )
    t.same(answered.notices, [], 'once, when the others go back at the bridge')
    t.match(await h.agent('a1'), { restReason: 'unreachable' })
    t.match(await h.agent('a2'), { restReason: 'unreachable' })
    t.match(await h.agent('a3'), { restReason: null, noAnswers: 0 }, 'the agent who answered is free')
    t.match(await h.agent('a4'), { restReason: null }, 'the leg that lost the race is free')
    t.same(names(await request(h, 'c2', ask('all'))).sort(), ['a3', 'a4'], 'the next caller rings the reachable ones')
    const rangOut = await finish(h, 'c2', {
      outcome: 'no-answer',
      cause: 'NO_ANSWER',
      unreachable: [{ agent: 'a4', cause: 'USER_NOT_REGISTERED' }],
    })
    t.match(rangOut.notices, [{ kind: 'unreachable', agent: 'a4', cause: 'USER_NOT_REGISTERED' }])
    t.match(await h.agent('a3'), { restReason: 'no-answer', noAnswers: 1 }, 'a ring-all nobody answered rests a3')
    t.match(await h.agent('a4'), { restReason: 'unreachable', noAnswers: 0 })
  })

  t.test(`${kind}: priority first, then arrival`, async (t) => {
    const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1'], 'desk'))
    await request(h, 'c0', ask('desk'))
    for (const [c, p] of [
      ['c1', 0],
      ['c2', 5],
      ['c3', 5],
      ['c4', 0],
    ] as const)
      await request(h, c, ask('desk', 'queue', p))
    t.same((await h.ledger.position('c3'))?.position, 2)
    t.same((await h.ledger.position('c1'))?.position, 3)
    const order = []
    let next = 'c0'
    for (let i = 0; i < 4; i++) {
      const r = await finish(h, next, { outcome: 'answered', agent: 'a1', talkSeconds: 1 })
      next = r.others[0]!.callId
      order.push(next)
    }
    t.same(order, ['c2', 'c3', 'c1', 'c4'])
  })

  t.test(`${kind}: a try gives up a place it made, keeps one it had; pause and leave`, async (t) => {
    const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1'], 'desk'))
    await request(h, 'c0', ask('desk'))
    t.same(names(await request(h, 'c1', ask('desk', 'try'))), [])
    t.equal(await h.ledger.position('c1'), undefined, 'no place left behind')
    await request(h, 'c2', ask('desk'))
    await h.ledger.route({ callId: 'c2', caller: '', place: 'pause' })
    t.same(names(await request(h, 'c2', ask('desk', 'try'))), [])
    t.equal((await h.ledger.position('c2'))?.position, 1, 'the paused caller keeps its place after a try')
    const left = await h.ledger.route({ callId: 'c0', caller: '', place: 'leave' })
    t.same(offersTo(left), {}, 'a paused caller is offered nobody')
    t.same(names(await request(h, 'c2', ask('desk'))), ['a1'], 'back in line, it is')
  })

  t.test(`${kind}: a try-connect's hunt that runs out of agents leaves no place behind`, async (t) => {
    const h = await make(
      t,
      team('sales', 'sequential') +
        '---\n' +
        team('support', 'sequential') +
        agentsYaml(['s1', 's2'], 'sales') +
        agentsYaml(['p1'], 'support'),
    )
    t.same(names(await request(h, 'busy', ask('sales'))), ['s1'])
    t.same(names(await request(h, 'c1', ask('sales', 'try'))), ['s2'])
    // s2 does not answer; the hunt asks for the next sales agent: there is none.
    t.same(names(await finish(h, 'c1', { outcome: 'no-answer' }, ask('sales', 'try', 0, ['s2']))), [])
    t.equal(await h.ledger.position('c1'), undefined, 'not in the sales line')
    const released = await finish(h, 'busy', { outcome: 'answered', agent: 's1', talkSeconds: 10 })
    t.same(offersTo(released), {}, 's1, free again, is offered to nobody: the caller has gone on')
    t.same(names(await request(h, 'c1', ask('support', 'try'))), ['p1'], 'its fallback gets a support agent')
  })

  t.test(`${kind}: strategies pick the agent`, async (t) => {
    const pick = async (strategy: string, calls: { agent: string; talk: number }[]) => {
      const h = await make(t, team('desk', strategy) + agentsYaml(['a1', 'a2', 'a3'], 'desk'))
      for (const [i, c] of calls.entries()) {
        const id = `p${i}`
        await request(h, id, { ask: 'queue', forWhom: { agent: c.agent }, priority: 0 })
        await finish(h, id, { outcome: 'answered', agent: c.agent, talkSeconds: c.talk })
      }
      const got = []
      for (const c of ['x1', 'x2']) {
        got.push(names(await request(h, c, ask('desk')))[0])
        await finish(h, c, { outcome: 'unused' })
      }
      return got
    }
    t.same(await pick('round-robin', []), ['a1', 'a2'], 'round-robin: the next after the last offered')
    t.same(
      await pick('longest-idle', [
        { agent: 'a1', talk: 10 },
        { agent: 'a3', talk: 10 },
      ]),
      ['a2', 'a2'],
      'longest-idle: never called first',
    )
    t.same(
      await pick('fewest-calls', [
        { agent: 'a1', talk: 10 },
        { agent: 'a1', talk: 10 },
        { agent: 'a2', talk: 500 },
        { agent: 'a3', talk: 5 },
        { agent: 'a3', talk: 5 },
      ]),
      ['a2', 'a2'],
      'fewest-calls: one call beats two',
    )
    t.same(
      await pick('least-talk-time', [
        { agent: 'a1', talk: 100 },
        { agent: 'a2', talk: 500 },
        { agent: 'a3', talk: 5 },
        { agent: 'a3', talk: 5 },
      ]),
      ['a3', 'a3'],
      'least-talk-time: ten seconds beat a hundred',
    )
    const random = await pick('random', [])
    t.ok(
      random.every((a) => ['a1', 'a2', 'a3'].includes(a!)),
      'random: one of the free agents',
    )
  })

  t.test(`${kind}: an agent-only caller and a team caller: first come first served for that agent`, async (t) => {
    const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1'], 'desk'))
    await request(h, 'c0', ask('desk'))
    await request(h, 'c1', { ask: 'queue', forWhom: { agent: 'a1' }, priority: 0 })
    await request(h, 'c2', ask('desk'))
    const r = await finish(h, 'c0', { outcome: 'answered', agent: 'a1', talkSeconds: 1 })
    t.same(offersTo(r), { c1: ['a1'] })
  })

  t.test(`${kind}: reservations are numbered upwards; the watermark follows`, async (t) => {
    const h = await make(t, team('desk', 'sequential') + agentsYaml(['a1', 'a2'], 'desk'))
    const r1 = await request(h, 'c1', ask('desk'))
    const r2 = await request(h, 'c2', ask('desk'))
    t.ok(r2.mine[0]!.reservation > r1.mine[0]!.reservation)
    t.equal(r2.watermark, r2.mine[0]!.reservation)
  })
}

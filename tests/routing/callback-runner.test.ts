/**
 * The callback runner (lib/routing/callback-runner.ts) on the memory ledger, in virtual time, with a book that
 * keeps the store's rules (only a waiting callback is begun; an attempt counts when the customer is called) and
 * a scripted agent-first dialer: served at the first offer; an agent who does not answer is given back and the
 * next offered, at no attempt's cost; an unreached customer is tried again after the interval, then fails once;
 * a callback another router took is not called; closed hours wait; stopping keeps the place.
 */
import t from 'tap'
import type { Offer, RingFor } from '../../lib/engine/world.js'
import {
  CallbackRunner,
  type AgentFirstDialer,
  type AttemptEnd,
  type HeldCallback,
  type ServeResult,
} from '../../lib/routing/callback-runner.js'
import { Distributor } from '../../lib/routing/distributor.js'
import { MemoryCallbackBook } from '../../lib/routing/memory-callback-book.js'
import { MemoryLedger } from '../../lib/routing/memory-ledger.js'
import { VirtualClock } from '../../lib/sim/clock.js'
import { directoryOf } from '../helpers/sim.js'

const YAML = `
kind: team
name: desk
strategy: sequential
---
kind: agent
name: a1
dial: user/a1@pbx
teams: [desk]
---
kind: agent
name: a2
dial: user/a2@pbx
teams: [desk]
`
const START = Date.parse('2026-12-07T10:00:00Z')
const RETRY_MS = 300_000

/** The store's rules in memory (lib/routing/memory-callback-book.ts), with a callback for desk per id. */
class Book extends MemoryCallbackBook {
  /** Every offer's end, in order, across callbacks. */
  get ends(): [string, AttemptEnd['outcome']][] {
    return this.ids.flatMap((id) => this.get(id)!.log.map((e): [string, AttemptEnd['outcome']] => [id, e.outcome]))
  }
  readonly ids: string[] = []
  callback(id: string, max = 2): HeldCallback {
    const cb: HeldCallback = {
      id,
      forWhom: { team: 'desk' },
      priority: 0,
      number: '+821012345678',
      dialed: '+8215880000',
      fields: {},
      requestedAt: START,
      nextAttemptAt: null,
    }
    this.add(cb, max, RETRY_MS / 1000)
    this.ids.push(id)
    return cb
  }
}

type Script = (agent: string) => ServeResult
/** Rings the first agent offered and answers as the script says, counting the attempt when an agent answered. */
class Dialer implements AgentFirstDialer {
  readonly calls: { agent: string; at: number; counted?: boolean }[] = []
  constructor(
    private readonly clock: VirtualClock,
    private readonly script: Script,
  ) {}
  async serve(_cb: HeldCallback, offer: Offer, counted: () => Promise<boolean>): Promise<ServeResult> {
    const agent = offer.targets[0]!.agent
    const call: { agent: string; at: number; counted?: boolean } = { agent, at: this.clock.now() }
    this.calls.push(call)
    await this.clock.sleep(5_000)
    const result = this.script(agent)
    if (result.agent === 'answered') call.counted = await counted()
    return result
  }
}

const served = (name: string): ServeResult => ({ agent: 'answered', name, customer: 'answered', talkSeconds: 60 })
const unreached = (name: string): ServeResult => ({
  agent: 'answered',
  name,
  customer: 'unreached',
  cause: 'NO_ANSWER',
  agentSeconds: 40,
})

function setup(script: Script, o: { closedUntil?: (f: RingFor, at: number) => number | undefined } = {}) {
  const dir = directoryOf(YAML)
  const clock = new VirtualClock(START)
  const ledger = new MemoryLedger(dir.teams, dir.agents, { clock, retryDelaySeconds: 30, unreachableSeconds: 60 })
  const distributor = new Distributor(ledger, { clock, ringSeconds: () => 20 })
  const book = new Book(clock)
  const dialer = new Dialer(clock, script)
  const failed: string[] = []
  const errors: unknown[] = []
  const runner = new CallbackRunner(distributor, {
    clock,
    book,
    dialer,
    syncMs: 60_000,
    onFailed: (cb) => failed.push(cb.id),
    onError: (_what, _id, err) => errors.push(err),
    ...(o.closedUntil ? { closedUntil: o.closedUntil } : {}),
  })
  /** Drives virtual time until nothing is served any more. */
  const settle = () =>
    clock.drive(
      (async () => {
        while (runner.serving().length) await clock.sleep(1_000)
      })(),
    )
  return { clock, ledger, distributor, book, dialer, runner, failed, errors, settle }
}

t.test('served at the first offer: the agent rung, the attempt counted, the place given up', async (t) => {
  const s = setup(served)
  s.runner.serve(s.book.callback('cb-1'))
  await s.settle()
  t.same(
    s.dialer.calls.map((c) => [c.agent, c.counted]),
    [['a1', true]],
  )
  t.same(s.book.ends, [['cb-1', 'served']])
  t.match(s.book.get('cb-1'), { status: 'served', attempts: 1 })
  t.same(s.failed, [])
  t.same(s.errors, [])
  t.match(s.ledger.agentView('a1'), { reservedBy: undefined }, 'a1 is free again')
})

t.test('an agent who does not answer is given back and the next is offered, at no attempt’s cost', async (t) => {
  const s = setup((agent) =>
    agent === 'a1' ? { agent: 'unanswered', end: { outcome: 'no-answer', cause: 'NO_ANSWER' } } : served(agent),
  )
  s.runner.serve(s.book.callback('cb-2'))
  await s.settle()
  t.same(
    s.dialer.calls.map((c) => c.agent),
    ['a1', 'a2'],
  )
  t.same(s.book.ends, [
    ['cb-2', 'unserved'],
    ['cb-2', 'served'],
  ])
  t.match(s.book.get('cb-2'), { status: 'served', attempts: 1 })
})

t.test('an unreached customer is called again after the interval, then the callback fails once', async (t) => {
  const s = setup(unreached)
  s.runner.serve(s.book.callback('cb-3', 2))
  await s.settle()
  t.equal(s.dialer.calls.length, 2, 'two attempts, as many as allowed')
  const gap = s.dialer.calls[1]!.at - s.dialer.calls[0]!.at
  t.ok(gap >= RETRY_MS, `the second after the interval (${gap} ms)`)
  t.same(
    s.book.ends.map((e) => e[1]),
    ['unreached', 'unreached'],
  )
  t.match(s.book.get('cb-3'), { status: 'failed', attempts: 2 })
  t.same(s.failed, ['cb-3'], 'reported failed once')
})

t.test('a callback that is not this router’s any more (cancelled, adopted) is not called', async (t) => {
  const s = setup(served)
  const cb = s.book.callback('cb-4')
  s.book.get('cb-4')!.status = 'served'
  s.runner.serve(cb)
  await s.settle()
  t.same(s.dialer.calls, [])
  t.same(s.runner.serving(), [], 'the runner let it go without calling anyone')
})

t.test('outside opening hours it waits for the next open period', async (t) => {
  const opens = START + 3_600_000
  const s = setup(served, { closedUntil: (_f, at) => (at < opens ? opens : undefined) })
  s.runner.serve(s.book.callback('cb-5'))
  await s.settle()
  t.same(
    s.dialer.calls.map((c) => c.at),
    [opens],
    'rung when the line opens',
  )
})

t.test('stopping keeps the place: the callback stays for the next start or another router', async (t) => {
  const s = setup(served, { closedUntil: () => START + 86_400_000 })
  s.runner.serve(s.book.callback('cb-6'))
  await s.clock.drive(s.clock.sleep(1_000))
  t.same(s.runner.serving(), ['cb-6'])
  await s.runner.close()
  t.same(s.runner.serving(), [])
  t.match(s.book.get('cb-6'), { status: 'waiting', attempts: 0 })
  t.same(s.dialer.calls, [])
})

t.test('sync starts what the book holds, once', async (t) => {
  const s = setup(served)
  s.book.callback('cb-7')
  s.book.callback('cb-8')
  await s.runner.sync()
  await s.runner.sync()
  t.same(s.runner.serving().sort(), ['cb-7', 'cb-8'])
  await s.settle()
  t.same(
    s.dialer.calls.map((c) => c.agent),
    ['a1', 'a2'],
    'each served once, by its own agent',
  )
})

t.test('a callback no longer held (cancelled while it waited) is let go at the next sync', async (t) => {
  const s = setup(served, { closedUntil: () => START + 86_400_000 })
  s.runner.serve(s.book.callback('cb-9'))
  await s.clock.drive(s.clock.sleep(1_000))
  t.same(s.runner.serving(), ['cb-9'])
  s.book.get('cb-9')!.status = 'cancelled'
  await s.runner.sync()
  await s.clock.drive(s.runner.idle())
  t.same(s.runner.serving(), [])
  t.same(s.dialer.calls, [], 'nobody rung for it')
})

t.test('cancelled while its customer rang: let go without giving up a place that is someone else’s now', async (t) => {
  const s = setup((agent) => {
    // An operator cancels it (or another router adopts it) while this router calls the customer.
    s.book.get('cb-10')!.status = 'cancelled'
    return { agent: 'answered', name: agent, customer: 'unreached', cause: 'NO_ANSWER', agentSeconds: 30 }
  })
  s.runner.serve(s.book.callback('cb-10'))
  await s.clock.drive(s.runner.idle())
  t.same(s.failed, [], 'not reported failed: it was not this router’s to end')
  t.ok(await s.ledger.position('cb-10'), 'the place is left to whoever holds it now')
})

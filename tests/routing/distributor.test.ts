/**
 * The seats of one process (lib/routing/distributor.ts) on the memory ledger, in virtual time: an offer made while
 * the caller is between two attempts waits for it; a stale notice never brings back an agent given back; a rest
 * that ends leads to an offer without anyone asking.
 */
import t from 'tap'
import { Distributor } from '../../lib/routing/distributor.js'
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
`
const desk = { forWhom: { team: 'desk' }, priority: 0 }

function setup(retryDelaySeconds = 0) {
  const dir = directoryOf(YAML)
  const clock = new VirtualClock(Date.parse('2026-12-07T10:00:00Z'))
  const ledger = new MemoryLedger(dir.teams, dir.agents, { clock, retryDelaySeconds, unreachableSeconds: 60 })
  const distributor = new Distributor(ledger, { clock, ringSeconds: () => 20 })
  return { clock, ledger, distributor }
}

t.test('an offer made while the head of the line is between two attempts is waiting for it', async (t) => {
  const { distributor } = setup()
  const holder = distributor.seat({ id: 'holder', caller: '' })
  const head = distributor.seat({ id: 'head', caller: '' })
  t.ok(await holder.request(desk, 'queue'))
  t.equal(await head.request(desk, 'queue'), undefined)
  // The head is not waiting (it is, say, hearing its position) when a1 is released.
  await holder.finish({ outcome: 'answered', agent: 'a1', talkSeconds: 5 }, 'leave')
  const offer = await head.wait(Infinity, new AbortController().signal)
  t.same(offer, { targets: [{ agent: 'a1', dial: 'user/a1@pbx' }], ringSeconds: 20 }, 'no timer: the offer was kept')
})

t.test('a late notice of a reservation the caller already gave back is ignored', async (t) => {
  const { clock, distributor } = setup(30)
  const seat = distributor.seat({ id: 'c1', caller: '' })
  const offer = await seat.request(desk, 'queue')
  t.ok(offer)
  await seat.finish({ outcome: 'no-answer' }, 'stay')
  // A notice of the first offer arrives now, after the caller gave a1 back (reservation 1).
  distributor.deliver([{ callId: 'c1', agents: [{ name: 'a1', dial: 'user/a1@pbx', reservation: 1 }] }])
  const waited = await clock.drive(seat.wait(clock.now() + 1000, new AbortController().signal))
  t.equal(waited, 'deadline', 'nothing to ring while a1 rests')
})

t.test('when a rest ends, the waiting caller is offered the agent, unasked', async (t) => {
  const { clock, distributor } = setup(30)
  const a = distributor.seat({ id: 'a', caller: '' })
  const b = distributor.seat({ id: 'b', caller: '' })
  t.ok(await a.request(desk, 'queue'))
  t.equal(await b.request(desk, 'queue'), undefined)
  const start = clock.now()
  await a.finish({ outcome: 'busy' }, 'leave')
  const offer = await clock.drive(b.wait(Infinity, new AbortController().signal))
  t.same(offer !== 'deadline' && offer.targets.map((x) => x.agent), ['a1'])
  t.equal(clock.now() - start, 30_000, 'at the end of the 30 s rest, not before')
})

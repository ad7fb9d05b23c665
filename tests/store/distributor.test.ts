/**
 * The distributor on the database, as routers use it: offers across routers by notice, a lost notice caught by
 * the sweep, a dead router's callers passed over, leases, agent status, the head of the line between two attempts.
 * (The rules themselves, memory and SQL alike: tests/routing/ledger-contract.test.ts.)
 */
import t from 'tap'
import { once } from 'node:events'
import { sql } from 'drizzle-orm'
import type { Offer, Seat } from '../../lib/engine/world.js'
import { Distributor } from '../../lib/routing/distributor.js'
import { systemClock } from '../../lib/server/system-clock.js'
import { setAgentStatus } from '../../lib/store/agents.js'
import { rows } from '../../lib/store/db.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { renewLeases } from '../../lib/store/reservations.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const HOUR = 3_600_000
const agents = (team: string, names: string[]) =>
  names.map((n) => `---\nkind: agent\nname: ${n}\ndial: user/${n}@pbx\nteams: [${team}]\n`).join('')

const DOCS = `
kind: team
name: desk
strategy: sequential
---
kind: team
name: solo
${agents('desk', ['d1', 'd2', 'd3'])}${agents('solo', ['s1'])}`

const desk = { forWhom: { team: 'desk' }, priority: 0 }
const solo = { forWhom: { team: 'solo' }, priority: 0 }
const agentsOf = (o: Offer | undefined | 'deadline') => (o && o !== 'deadline' ? o.targets.map((x) => x.agent) : [])
const forever = () => Date.now() + HOUR

t.test(`routers on one database (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  const r1 = await openWorld(t, store, { routerId: 'router-1', sweepMs: HOUR })
  const r2 = await openWorld(t, store, { routerId: 'router-2', sweepMs: HOUR })
  const reservedBy = async (name: string) =>
    (await rows<{ r: string | null }>(store.db, sql`select reserved_by as r from agents where name = ${name}`))[0]?.r
  const seatOn = (world: typeof r1, id: string): Seat => world.seat({ id, caller: '' })
  /** A router's distributor with no listener and no timers: it sweeps when the test says. */
  const manualRouter = (routerId: string) =>
    new Distributor(
      new StoreLedger(store.db, {
        routerId,
        leaseSeconds: 60,
        aliveSeconds: 60,
        retryDelaySeconds: 0,
        unreachableSeconds: 60,
      }),
      { clock: systemClock, ringSeconds: () => 20 },
    )

  t.test('20 callers at once on two routers for 3 agents: each agent offered to one caller', async (t) => {
    const seats = Array.from({ length: 20 }, (_, i) => seatOn(i % 2 ? r1 : r2, `many-${i}`))
    const offers = await Promise.all(seats.map((s) => s.request(desk, 'queue')))
    const offered = offers.flatMap((o, i) => agentsOf(o).map((a) => [a, `many-${i}`] as const))
    t.same(offered.map(([a]) => a).sort(), ['d1', 'd2', 'd3'], 'three offers, three different agents')
    for (const [agent, call] of offered) t.equal(await reservedBy(agent), call)
    await Promise.all(seats.map((s) => s.leave()))
    t.same(await Promise.all(['d1', 'd2', 'd3'].map(reservedBy)), [null, null, null])
  })

  t.test('an agent released on one router is offered to the caller waiting on the other, by notice', async (t) => {
    const a = seatOn(r1, 'notice-a')
    const b = seatOn(r2, 'notice-b')
    t.same(agentsOf(await a.request(solo, 'queue')), ['s1'])
    t.same(agentsOf(await b.request(solo, 'queue')), [])
    const offered = once(r2.distributor, 'offered')
    await a.finish({ outcome: 'answered', agent: 's1', talkSeconds: 5 }, 'leave')
    const [callId] = await offered
    t.equal(callId, 'notice-b')
    t.same(agentsOf(await b.wait(forever(), new AbortController().signal)), ['s1'], 'waiting takes it at once')
    await b.leave()
    await a.leave()
  })

  t.test('a router that missed the notice is offered the agent by its sweep', async (t) => {
    // A router with no listener at all: every notice to it is lost.
    const deaf = manualRouter('router-deaf')
    t.teardown(() => deaf.close())
    await deaf.sweep()
    const a = seatOn(r1, 'deaf-a')
    const b = deaf.seat({ id: 'deaf-b', caller: '' })
    t.same(agentsOf(await a.request(solo, 'queue')), ['s1'])
    t.same(agentsOf(await b.request(solo, 'queue')), [])
    await a.finish({ outcome: 'unused' }, 'leave')
    t.equal(await reservedBy('s1'), 'deaf-b', 'offered by the release itself')
    const waiting = b.wait(forever(), new AbortController().signal)
    await deaf.sweep()
    t.same(agentsOf(await waiting), ['s1'], 'the sweep brought the offer the notice did not')
    await b.leave()
    await a.leave()
  })

  t.test('callers of a router that stopped beating hold nobody back; their places go a minute later', async (t) => {
    const ghost = manualRouter('router-ghost')
    t.teardown(() => ghost.close())
    await ghost.sweep()
    const holder = seatOn(r1, 'ghost-holder')
    t.same(agentsOf(await holder.request(solo, 'queue')), ['s1'])
    const early = ghost.seat({ id: 'ghost-early', caller: '' })
    t.same(agentsOf(await early.request(solo, 'queue')), [], 'queued first')
    const late = seatOn(r2, 'ghost-late')
    await late.request(solo, 'queue')
    // The ghost router dies: it beats no more.
    await store.db.execute(sql`update routers set seen_until = now() - interval '1 second' where id = 'router-ghost'`)
    const offered = once(r2.distributor, 'offered')
    await holder.finish({ outcome: 'unused' }, 'leave')
    t.equal((await offered)[0], 'ghost-late', 'the live router’s caller is offered the agent')
    await store.db.execute(sql`update routers set seen_until = now() - interval '2 minutes' where id = 'router-ghost'`)
    await r1.distributor.sweep()
    const left = await rows<{ id: string }>(store.db, sql`select call_id as id from queue_entries order by call_id`)
    t.same(
      left.map((r) => r.id),
      ['ghost-late'],
      'the dead router’s places are gone; the live one stays',
    )
    await late.leave()
    await holder.leave()
  })

  t.test('an expired lease frees the agent; a renewed one does not', async (t) => {
    const doomed = manualRouter('router-doomed')
    await doomed.sweep()
    const a = doomed.seat({ id: 'lease-a', caller: '' })
    t.same(agentsOf(await a.request(solo, 'queue')), ['s1'])
    await renewLeases(store.db, 'router-doomed', 3600)
    const [lease] = await rows<{ left: number }>(
      store.db,
      sql`select extract(epoch from lease_until - now())::int as left from agents where name = 's1'`,
    )
    t.ok(lease!.left > 3500, 'renewed for an hour')
    const b = seatOn(r2, 'lease-b')
    t.same(agentsOf(await b.request(solo, 'try')), [])
    // The router holding s1 dies: it beats and renews no more, and the lease runs out.
    await store.db.execute(sql`update routers set seen_until = now() - interval '1 second' where id = 'router-doomed'`)
    await store.db.execute(sql`update agents set lease_until = now() - interval '1 second' where name = 's1'`)
    t.same(agentsOf(await b.request(solo, 'queue')), [], 'operations leave lapsed leases to the sweeps')
    const waiting = b.wait(forever(), new AbortController().signal)
    await r2.distributor.sweep()
    t.same(agentsOf(await waiting), ['s1'], 'the next sweep frees the agent and offers it')
    await a.finish({ outcome: 'unused' }, 'leave')
    t.equal(await reservedBy('s1'), 'lease-b', 'the late release of the expired reservation frees nothing')
    await b.leave()
    await a.leave()
    doomed.close()
  })

  t.test('agent status available: the head of the line is offered at once', async (t) => {
    await setAgentStatus(store, 's1', 'away')
    const s = seatOn(r2, 'status')
    t.same(agentsOf(await s.request(solo, 'queue')), [])
    const offered = once(r2.distributor, 'offered')
    await setAgentStatus(store, 's1', 'available')
    t.equal((await offered)[0], 'status')
    await s.leave()
  })

  t.test('the head of the line between two attempts loses no offer, in either order', async (t) => {
    for (const order of ['release first', 'head first'] as const) {
      const holder = seatOn(r1, `race-holder-${order}`)
      t.same(agentsOf(await holder.request(solo, 'queue')), ['s1'])
      const head = seatOn(r2, `race-head-${order}`)
      t.same(agentsOf(await head.request(solo, 'queue')), [])
      // The head rang someone who did not answer and asks again while s1 is being released on the other router.
      const release = () => holder.finish({ outcome: 'unused' }, 'leave')
      const again = () => head.finish({ outcome: 'unused' }, { ask: 'queue', exclude: [], ...solo })
      let direct: Offer | undefined
      if (order === 'release first') {
        await release()
        direct = await again()
      } else {
        direct = await again()
        await release()
      }
      const offer = direct ?? (await head.wait(forever(), new AbortController().signal))
      t.same(agentsOf(offer), ['s1'], `${order}: offered s1, with no timer involved`)
      await head.leave()
      await holder.leave()
    }
  })

  t.test('position and the estimated wait', async (t) => {
    const holder = seatOn(r1, 'pos-holder')
    await holder.request(solo, 'queue')
    const waiting = ['pos-1', 'pos-2', 'pos-3'].map((id, i) => seatOn(i % 2 ? r1 : r2, id))
    for (const w of waiting) await w.request(solo, 'queue')
    const vip = seatOn(r1, 'pos-vip')
    await vip.request({ ...solo, priority: 5 }, 'queue')
    t.same(await vip.position(), { position: 1 }, 'priority first; no wait estimate without hand-offs yet')
    t.same((await waiting[2]!.position())?.position, 4)
    await store.db.execute(sql`update teams set handoffs = 6, handoffs_at = now() where name = 'solo'`)
    const estimate = await waiting[2]!.position()
    t.ok(estimate?.waitSeconds && estimate.waitSeconds > 0, `estimated ${estimate?.waitSeconds?.toFixed(0)} s`)
    for (const s of [...waiting, vip, holder]) await s.leave()
  })
})

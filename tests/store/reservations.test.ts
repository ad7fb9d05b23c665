import t from 'tap'
import { sql } from 'drizzle-orm'
import { setAgentStatus } from '../../lib/store/agents.js'
import { rows } from '../../lib/store/db.js'
import { renewLeases } from '../../lib/store/reservations.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, callRecord, openWorld } from '../helpers/store.js'

const agents = (team: string, names: string[]) =>
  names.map((n, i) => `---\nkind: agent\nname: ${n}\ndial: user/${1000 + i}@pbx\nteams: [${team}]\n`).join('')

const DOCS = `
kind: team
name: all
strategy: simultaneous
ringSeconds: 15
---
kind: team
name: rr
strategy: round-robin
---
kind: team
name: idle
strategy: longest-idle
---
kind: team
name: seq
strategy: sequential
${agents('all', ['a1', 'a2', 'a3'])}${agents('rr', ['r1', 'r2', 'r3'])}${agents('idle', ['i1', 'i2', 'i3'])}${agents('seq', ['s1', 's2'])}`

const HOUR = 3_600_000

t.test(`reservations (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  const world = await openWorld(t, store, { queueRetryMs: HOUR })
  // First, while no notice is on its way: a wait whose deadline is now ends at once.
  t.equal(await world.waitForAgent({ team: 'seq' }, Date.now(), new AbortController().signal), 'deadline')
  const reservedBy = async (name: string) =>
    (await rows<{ r: string | null }>(store.db, sql`select reserved_by as r from agents where name = ${name}`))[0]?.r

  t.test('20 concurrent calls on 3 agents: never one agent for two calls', async (t) => {
    const plans = await Promise.all(Array.from({ length: 20 }, (_, i) => world.ringPlan(`call-${i}`, { team: 'all' })))
    const rung = plans.flatMap((p) => p.targets.map((x) => x.agent))
    t.same([...rung].sort(), ['a1', 'a2', 'a3'], 'each agent reserved exactly once')
    t.match(
      plans.find((p) => p.targets.length > 0),
      { mode: 'simultaneous', legSeconds: 15 },
    )
    for (const [i, p] of plans.entries())
      for (const target of p.targets) t.equal(await reservedBy(target.agent), `call-${i}`)
    await Promise.all(plans.map((p) => p.release()))
    t.same(await Promise.all(['a1', 'a2', 'a3'].map(reservedBy)), [null, null, null])
    const again = await world.ringPlan('call-x', { team: 'all' })
    t.equal(again.targets.length, 3, 'free again after release')
    await again.release()
    await again.release()
  })

  t.test('an agent by name; away agents are not rung', async (t) => {
    t.same(await setAgentStatus(store, 'a2', 'away'), { ok: true, name: 'a2', status: 'away', previous: 'available' })
    const plan = await world.ringPlan('c1', { team: 'all' })
    t.same(
      plan.targets.map((x) => x.agent),
      ['a1', 'a3'],
    )
    t.same((await world.ringPlan('c2', { agent: 'a1' })).targets, [], 'a1 is busy with c1')
    await plan.release()
    const direct = await world.ringPlan('c2', { agent: 'a1' })
    t.same(direct.targets, [{ agent: 'a1', dial: 'user/1000@pbx' }])
    await direct.release()
    await setAgentStatus(store, 'a2', 'available')
  })

  t.test('strategies: sequential, round robin, longest idle', async (t) => {
    const seq = await world.ringPlan('s', { team: 'seq' })
    t.same([seq.mode, seq.targets.map((x) => x.agent)], ['sequential', ['s1', 's2']])
    await seq.release()
    const firsts: string[] = []
    for (let i = 0; i < 4; i++) {
      const p = await world.ringPlan(`rr-${i}`, { team: 'rr' })
      firsts.push(p.targets[0]!.agent)
      await p.release()
    }
    t.same(firsts, ['r1', 'r2', 'r3', 'r1'])
    const base = Date.parse('2026-11-23T10:00:00Z')
    await world.record(callRecord('idle-1', { agent: 'i1', endedAt: base + 2000 }))
    await world.record(callRecord('idle-2', { agent: 'i3', endedAt: base + 1000 }))
    const idle = await world.ringPlan('i', { team: 'idle' })
    t.same(
      idle.targets.map((x) => x.agent),
      ['i2', 'i3', 'i1'],
      'never called first, then the longest idle',
    )
    await idle.release()
  })

  t.test('an expired lease frees the agent; a renewed one does not', async (t) => {
    const first = await world.ringPlan('old', { agent: 's1' })
    t.equal(first.targets.length, 1)
    await renewLeases(store.db, ['old'], 3600)
    const [lease] = await rows<{ left: number }>(
      store.db,
      sql`select extract(epoch from lease_until - now())::int as left from agents where name = 's1'`,
    )
    t.ok(lease!.left > 3500, 'renewed for an hour')
    t.same((await world.ringPlan('new', { agent: 's1' })).targets, [])
    // The router that held it stopped renewing: its lease runs out.
    await store.db.execute(sql`update agents set lease_until = now() - interval '1 second' where name = 's1'`)
    const second = await world.ringPlan('new', { agent: 's1' })
    t.same(
      second.targets.map((x) => x.agent),
      ['s1'],
    )
    await first.release()
    t.equal(await reservedBy('s1'), 'new', 'the late release of the expired reservation frees nothing')
    await second.release()
  })

  t.test('a queued caller wakes when an agent of its team is released or becomes available', async (t) => {
    const held = await world.ringPlan('busy', { team: 'seq' })
    const stop = new AbortController()
    const waiting = world.waitForAgent({ team: 'seq' }, Date.now() + HOUR, stop.signal)
    const other = world.waitForAgent({ team: 'rr' }, Date.now() + HOUR, stop.signal)
    await held.release()
    t.equal(await waiting, 'maybe-free')
    t.equal(
      await Promise.race([other.then(() => 'woken'), Promise.resolve('waiting')]),
      'waiting',
      'an agent of another team does not wake it',
    )
    stop.abort(new Error('caller hung up'))
    await t.rejects(other, { message: 'caller hung up' })

    await setAgentStatus(store, 's2', 'away')
    const byStatus = world.waitForAgent({ agent: 's2' }, Date.now() + HOUR, new AbortController().signal)
    await setAgentStatus(store, 's2', 'available')
    t.equal(await byStatus, 'maybe-free')
  })

  t.test('agents who did not answer rest before they ring again; made available, they ring at once', async (t) => {
    const resting = await openWorld(t, store, { queueRetryMs: HOUR, retryDelaySeconds: 600 })
    const first = await resting.ringPlan('unanswered', { team: 'all' })
    t.equal(first.targets.length, 3)
    await first.release(true)
    t.same((await resting.ringPlan('next', { team: 'all' })).targets, [], 'all three rest after a no-answer')
    await store.db.execute(sql`update agents set rest_until = now() - interval '1 second' where name = 'a1'`)
    const rested = await resting.ringPlan('next', { team: 'all' })
    t.same(
      rested.targets.map((x) => x.agent),
      ['a1'],
      'the one whose rest is over rings',
    )
    await rested.release()
    const answered = await resting.ringPlan('talked', { team: 'all' })
    await answered.release(false)
    const again = await resting.ringPlan('after-talk', { team: 'all' })
    t.same(
      again.targets.map((x) => x.agent),
      ['a1'],
      'a ring that ended otherwise (answered, caller left) leaves no rest',
    )
    await again.release()
    await setAgentStatus(store, 'a2', 'available')
    const byStatus = await resting.ringPlan('by-status', { team: 'all' })
    t.same(
      byStatus.targets.map((x) => x.agent),
      ['a1', 'a2'],
      '`agent status a2 available` ends its rest',
    )
    await byStatus.release()
    await store.db.execute(sql`update agents set rest_until = null`)
  })

  t.test('once one agent answers, the others are free for other calls while they talk', async (t) => {
    const first = await world.ringPlan('talking', { team: 'all' })
    t.same(
      first.targets.map((x) => x.agent),
      ['a1', 'a2', 'a3'],
    )
    await first.answered('a2')
    t.equal(await reservedBy('a2'), 'talking', 'the agent who answered stays reserved')
    const second = await world.ringPlan('next', { team: 'all' })
    t.same(
      second.targets.map((x) => x.agent),
      ['a1', 'a3'],
      'the others ring for the next call',
    )
    await second.release()
    await first.release()
    t.equal(await reservedBy('a2'), null)
  })
})

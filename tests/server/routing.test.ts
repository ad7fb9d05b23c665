/**
 * Ringing over real sockets against the FreeSWITCH simulator: each strategy's bridges (one agent each, hunting),
 * the try-connect fallbacks the other tests do not cover (busy, nobody available), the queued workflow at its
 * time, and a caller leaving the queue on the database: its inbox row with team, wait and fields.
 * (No answer → otherwise and hanging up in the hold music are in serve.test.ts.)
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import type { Clock } from '../../lib/engine/world.js'
import { MemoryWorld } from '../../lib/server/memory-world.js'
import { fileCandidates } from '../../lib/server/file-candidates.js'
import { resolveWorkflow } from '../../lib/server/resolve.js'
import { rows } from '../../lib/store/db.js'
import { dbKind, testStore } from '../helpers/db.js'
import type { BridgeAttempt } from '../../lib/testing/fake-freeswitch/index.js'
import { serve, serveWith, type Served } from '../helpers/serve.js'
import { directoryOf } from '../helpers/sim.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const agents = (team: string, names: string[]) =>
  names.map((n, i) => `---\nkind: agent\nname: ${n}\ndial: user/${team}${i + 1}@pbx\nteams: [${team}]\n`).join('')

const strategies = (strategy: string) => `
name: line
steps:
  A:
    - assign: { team: t }
    - connect: { otherwise: B }
  B:
    - hangup: { inbox: true }
---
kind: team
name: t
strategy: ${strategy}
ringSeconds: 15
${agents('t', ['a1', 'a2', 'a3'])}`

/** The agent of each bridge the call ran (one per bridge: hunting), and who answered. */
async function rung(t: Test, s: Served, bridges: BridgeAttempt[]): Promise<{ rang: string[][]; agent: string | null }> {
  const { sim, record } = await s.call({ bridges, talkMs: 1000 })
  const dials = sim.apps.filter((a) => a.name === 'bridge').map((a) => a.arg!)
  for (const dial of dials) {
    t.match(dial, /^\{ignore_early_media=true,originate_timeout=15,origination_caller_id_number=\+821012345678\}/)
    t.notMatch(dial, /\|/, 'never a | chain: its originate_timeout would cap the later legs')
  }
  return {
    rang: dials.map((d) =>
      [...d.matchAll(/\[(?:origination_uuid=[0-9a-f-]{36},)?ivr_agent=(\w+)\]user\/t\d@pbx/g)].map((m) => m[1]!),
    ),
    agent: record?.agent ?? null,
  }
}

t.test('simultaneous: every free agent at once, joined with ","', async (t) => {
  const s = await serve(strategies('simultaneous'))
  t.teardown(s.close)
  t.same(await rung(t, s, [['no-answer', 'answer', 'no-answer']]), { rang: [['a1', 'a2', 'a3']], agent: 'a2' })
})

t.test('sequential hunts: one agent per bridge, in the order written, until one answers', async (t) => {
  const s = await serve(strategies('sequential'))
  t.teardown(s.close)
  t.same(await rung(t, s, ['no-answer', 'busy', 'answer']), { rang: [['a1'], ['a2'], ['a3']], agent: 'a3' })
  t.same((await rung(t, s, ['answer'])).rang, [['a1']], 'a1 first again on the next call')
})

t.test('round robin: the next agent after the one offered last', async (t) => {
  const s = await serve(strategies('round-robin'))
  t.teardown(s.close)
  const firsts = []
  for (let i = 0; i < 4; i++) firsts.push((await rung(t, s, ['answer'])).rang)
  t.same(firsts, [[['a1']], [['a2']], [['a3']], [['a1']]])
})

t.test('longest idle: never called first, then whoever finished longest ago', async (t) => {
  const s = await serve(strategies('longest-idle'))
  t.teardown(s.close)
  t.same(await rung(t, s, ['no-answer', 'answer']), { rang: [['a1'], ['a2']], agent: 'a2' })
  t.same(await rung(t, s, ['answer']), { rang: [['a1']], agent: 'a1' }, 'a1 never talked')
  t.same((await rung(t, s, ['answer'])).rang, [['a3']], 'a3 never called')
  t.same((await rung(t, s, ['answer'])).rang, [['a2']], 'a2 finished longest ago')
})

t.test('try connect falls back to otherwise on busy and when nobody is available', async (t) => {
  const s = await serve(strategies('simultaneous'))
  t.teardown(s.close)
  const busy = await s.call({ bridges: [['busy', 'busy', 'busy']] })
  t.match(busy.record, { outcome: 'missed', inbox: { reason: 'workflow_hangup' }, steps: ['A', 'B'] })
  t.match(
    busy.record!.events.filter((e) => e.type === 'ring'),
    [{ result: 'busy', targets: ['a1', 'a2', 'a3'] }],
    'ring-all rang them all once; the hunt does not ring them again',
  )
  const away = await serve(strategies('simultaneous').replaceAll('teams: [t]', 'teams: [t]\nstatus: away'))
  t.teardown(away.close)
  const nobody = await away.call({})
  t.match(nobody.record, { outcome: 'missed', steps: ['A', 'B'] })
  t.match(
    nobody.record!.events.find((e) => e.type === 'ring'),
    { result: 'unavailable', targets: [] },
  )
  t.same(
    nobody.sim.apps.map((a) => a.name),
    ['answer'],
    'nothing is bridged when nobody is free',
  )
})

t.test('the queued workflow runs at its waitSeconds (the router clock runs 100 times fast)', async (t) => {
  const SPEED = 100
  const start = Date.now()
  const clock: Clock = {
    now: () => start + (Date.now() - start) * SPEED,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        const timer = setTimeout(resolve, ms / SPEED)
        signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
      }),
  }
  const directory = directoryOf(`
name: line
steps:
  A:
    - assign: { team: empty }
---
name: offer
trigger: queued
team: empty
waitSeconds: 45
steps:
  O:
    - message: { play: "ivr/busy.wav" }
    - hangup: { inbox: true }
---
kind: team
name: empty
`)
  const world = new MemoryWorld(directory, { clock, region: 'KR', record: async () => {}, sendSms: async () => {} })
  const candidates = fileCandidates(directory.workflows, new Map())
  const s = await serveWith({
    world,
    resolve: async (facts) => {
      const workflow = await resolveWorkflow(candidates, facts, world)
      return workflow ? { workflow } : undefined
    },
  })
  t.teardown(s.close)
  const { record, sim } = await s.call({})
  t.match(record, { outcome: 'missed', inbox: { reason: 'workflow_hangup' }, steps: ['A', 'O'] })
  const ran = record!.events.find((e) => e.type === 'queue' && e.event === 'workflow')!
  const entered = record!.events.find((e) => e.type === 'queue' && e.event === 'enter')!
  t.ok(ran.at - entered.at >= 45_000, `after 45 s in the queue (${((ran.at - entered.at) / 1000).toFixed(1)} s)`)
  t.ok(ran.at - entered.at < 55_000, 'and not a retry later')
  t.match(
    sim.apps.map((a) => [a.name, a.arg]),
    [['answer'], ['playback', 'local_stream://moh'], ['playback', 'ivr/busy.wav']],
  )
})

t.test(`a caller leaving the queue leaves an inbox row with team, wait and fields (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(
    store,
    `name: line
steps:
  A:
    - collect: { prompt: { play: "ivr/number.wav" }, field: orderNo, minDigits: 4, maxDigits: 8 }
    - assign: { team: desk }
---
kind: team
name: desk
---
kind: agent
name: bob
dial: user/1001@pbx
teams: [desk]
status: offline
`,
  )
  const world = await openWorld(t, store)
  const s = await serveWith({ world, resolve: (facts) => world.resolve(facts) })
  t.teardown(s.close)
  const { sim, record } = await s.call({ keys: ['12345#'], hangup: { duringAppNamed: 'playback', afterMs: 300 } })
  t.match(record, { outcome: 'missed', inbox: { reason: 'queue_abandoned' }, team: 'desk' })
  const [row] = await rows<{ reason: string; team: string; fields: unknown; wait_seconds: number }>(
    store.db,
    sql`select reason, team, fields, wait_seconds from inbox where call_id = ${sim.uuid}`,
  )
  t.match(row, { reason: 'queue_abandoned', team: 'desk', fields: { orderNo: '12345' } })
  t.ok(row!.wait_seconds > 0.2 && row!.wait_seconds === record!.queueSeconds, `waited ${row!.wait_seconds} s`)
  const [left] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from queue_entries`)
  t.equal(left!.n, 0, 'its queue entry is gone')
})

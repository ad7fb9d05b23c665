/**
 * Two routers on one database, 50 callers at once for a team of 5 agents who answer after a short ring:
 * no agent ever has two calls at once, and every caller is connected. On PostgreSQL the routers are two
 * `serve` processes; the embedded database belongs to one process, so there they are two servers and
 * worlds in this process on the one database. A trigger the test adds logs every change of `reserved_by`.
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { FakeFreeSwitch, type CallResult } from '../../lib/testing/fake-freeswitch/index.js'
import { migrateStore, openStore, rows, type Store } from '../../lib/store/db.js'
import { dbKind, testDatabase, testStore } from '../helpers/db.js'
import { serveProcess } from '../helpers/serve-process.js'
import { serveWith } from '../helpers/serve.js'
import { applyYaml, openWorld } from '../helpers/store.js'

const AGENTS = ['d1', 'd2', 'd3', 'd4', 'd5']
const CALLERS = 50
const DOCS = `
name: line
steps:
  A:
    - assign: { team: desk }
---
kind: team
name: desk
strategy: longest-idle
ringSeconds: 20
${AGENTS.map((a, i) => `---\nkind: agent\nname: ${a}\ndial: user/${2001 + i}@pbx\nteams: [desk]\n`).join('')}`

/** Every change of an agent's reservation, in the order they happened to that agent (row lock order). */
const RESERVATION_LOG = [
  sql`create table reservation_log (seq bigint generated always as identity, agent text, call_id text, kind text,
        txid bigint not null default txid_current())`,
  sql`create function log_reservation() returns trigger language plpgsql as $$
  begin
    if old.reserved_by is not null and old.reserved_by is distinct from new.reserved_by then
      insert into reservation_log (agent, call_id, kind)
      values (old.name, old.reserved_by, case when new.reserved_by is null then 'release' else 'taken-over' end);
    end if;
    if new.reserved_by is not null and new.reserved_by is distinct from old.reserved_by then
      insert into reservation_log (agent, call_id, kind) values (new.name, new.reserved_by, 'reserve');
    end if;
    return new;
  end $$`,
  sql`create trigger reservation_log after update of reserved_by on agents
    for each row execute function log_reservation()`,
]

type Router = { port: number; stop(): Promise<void> }

async function routers(t: Test): Promise<{ store: Store; routers: Router[] }> {
  if (dbKind === 'postgres') {
    const db = await testDatabase(t)
    const store = await openStore(db.config)
    t.teardown(() => store.close())
    await migrateStore(store)
    await applyYaml(store, DOCS)
    for (const statement of RESERVATION_LOG) await store.db.execute(statement)
    const list = await Promise.all([serveProcess(t, db.env), serveProcess(t, db.env)])
    return {
      store,
      routers: list.map((p) => ({
        port: p.port,
        stop: async () => {
          t.equal(await p.stop(), 0, 'serve stops cleanly')
        },
      })),
    }
  }
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  for (const statement of RESERVATION_LOG) await store.db.execute(statement)
  const list = []
  for (const routerId of ['router-1', 'router-2']) {
    const world = await openWorld(t, store, { routerId })
    const s = await serveWith({ world, resolve: (facts) => world.resolve(facts) })
    list.push({
      port: s.port,
      stop: async () => {
        await s.server.whenIdle()
        await s.close()
      },
    })
  }
  return { store, routers: list }
}

t.test(`two routers, 50 callers, 5 agents: no agent double-booked (${dbKind})`, async (t) => {
  const {
    store,
    routers: [r1, r2],
  } = await routers(t)
  // The agents' phones ring 100 ms and talk 300 ms of real time; no prompts in the workflow.
  const fs = new FakeFreeSwitch({
    seed: 5,
    phones: (target) => (target.startsWith('user/') ? { outcome: 'answer', ringMs: 100, talkMs: 300 } : undefined),
  })
  const results: CallResult[] = await Promise.all(
    Array.from(
      { length: CALLERS },
      (_, i) =>
        fs.call({
          port: (i % 2 === 0 ? r1 : r2)!.port,
          channel: { callerNumber: `0101234${String(i).padStart(4, '0')}`, destination: '07012345678' },
        }).result,
    ),
  )
  await r1!.stop()
  await r2!.stop()

  const calls = await rows<{ id: string; outcome: string; agent: string | null }>(
    store.db,
    sql`select id, outcome, agent from calls`,
  )
  t.equal(calls.length, CALLERS, 'every call recorded')
  t.same(
    calls.filter((c) => c.outcome !== 'connected' || c.agent === null),
    [],
    'every caller connected to an agent',
  )

  const log = await rows<{ agent: string; call_id: string; kind: string; txid: string }>(
    store.db,
    sql`select agent, call_id, kind, txid::text as txid from reservation_log order by seq`,
  )
  const problems: string[] = []
  const held = new Map<string, string>()
  const reservedFor = new Set<string>()
  for (const { agent, call_id: call, kind } of log) {
    if (kind === 'reserve') {
      if (held.has(agent)) problems.push(`${agent} reserved for ${call} while held by ${held.get(agent)}`)
      held.set(agent, call)
      reservedFor.add(`${call}/${agent}`)
    } else if (kind === 'release') {
      if (held.get(agent) !== call) problems.push(`${agent} released by ${call}, held by ${held.get(agent)}`)
      held.delete(agent)
    } else problems.push(`${agent} taken over from ${call}`)
  }
  t.same(problems, [], `no overlapping reservations in ${log.length} log rows`)
  t.same([...held], [], 'every reservation released')
  t.equal(fs.phones.doubleBooked.length, 0, `no phone rung while in use (${fs.phones.legs.length} legs)`)

  // Nobody waits while an agent is free: while callers remained, each agent released was offered to the next
  // caller by the very operation that released it (the same transaction).
  const lastReserve = log.findLastIndex((r) => r.kind === 'reserve')
  const idle = log.flatMap((r, i) =>
    r.kind === 'release' &&
    i < lastReserve &&
    !log.some((n) => n.kind === 'reserve' && n.agent === r.agent && n.txid === r.txid)
      ? [`${r.agent} released by ${r.call_id} and left free`]
      : [],
  )
  t.same(idle, [], 'every release while callers waited handed the agent on at once')

  // FreeSWITCH's side: every leg rung for a call was reserved for that call.
  const agentOf = new Map(AGENTS.map((a, i) => [`user/${2001 + i}@pbx`, a]))
  const rung = results.flatMap((r) =>
    r.apps
      .filter((a) => a.name === 'bridge')
      .flatMap((a) => [...(a.arg ?? '').matchAll(/user\/\d+@pbx/g)].map((m) => `${r.uuid}/${agentOf.get(m[0])}`)),
  )
  t.equal(rung.length > 0 && rung.every((leg) => reservedFor.has(leg)), true, `${rung.length} legs rung, all reserved`)
  t.same(
    calls.filter((c) => !reservedFor.has(`${c.id}/${c.agent}`)),
    [],
    'each call talked to an agent reserved for it',
  )
  const talks = new Map<string, number>()
  for (const c of calls) talks.set(c.agent!, (talks.get(c.agent!) ?? 0) + 1)
  t.same([...talks.keys()].sort(), AGENTS, 'every agent took calls')
  const [queue] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from queue_entries`)
  t.equal(queue!.n, 0, 'nobody left in the queue table')
})

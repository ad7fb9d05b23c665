/**
 * The callbacks scenario (issue 15), beside the shared team's: M callbacks wait in one team's line (taken by a
 * router that does not serve them, as a caller's would be), and router processes started with `--callback-dial`
 * adopt and serve them: each originates an agent over this process's simulated inbound Event Socket, the answered
 * agent's channel comes back to the router's outbound socket, hears the whisper (rendered by the router), and
 * bridges the customer. Agents ring RING_MS and stay on the line until the router hangs up; customers ring
 * CUSTOMER_RING_MS, then talk TALK_MS. Figures: callbacks served per second (first agent rung → last customer's
 * talk ended), against the ideal rate N ÷ (ring + customer ring + talk); the time from the routers' start to
 * the first agent rung (adoption); agents double-booked (must be 0); every callback checked in the store
 * (`served`, one attempt) and every customer called once.
 */
import { sql } from 'drizzle-orm'
import { requestCallback } from '../../lib/store/callbacks.js'
import { openStore, rows } from '../../lib/store/db.js'
import type { StoreConfig } from '../../lib/store/config.js'
import { FakeFreeSwitch, FakeInboundSwitch, type PhoneLeg } from '../../lib/testing/fake-freeswitch/index.js'
import { percentiles } from './percentiles.js'

export type CallbacksConfig = {
  callbacks: number
  agents: number
  ringMs: number
  customerRingMs: number
  talkMs: number
}

export const CALLBACK_DIAL = 'sofia/gateway/carrier/%s'

/** The team and its agents (no workflow: the callbacks are written as a caller's `callback` action would). */
export function callbackTeam(agents: number): string {
  const agentDocs = Array.from(
    { length: agents },
    (_, i) => `kind: agent\nname: cb-${i}\ndial: "user/cb-${i}@pbx.example.com"\nteams: [callbacks]\n`,
  )
  return ['kind: team\nname: callbacks\nstrategy: longest-idle\nringSeconds: 20\n', ...agentDocs].join('---\n')
}

/** Customer i's number. */
const customer = (i: number) => `+8210${String(10_000_000 + i).padStart(8, '0')}`

export type CallbackFigures = {
  callbacks: number
  agents: number
  routers: number
  served: number
  failures: string[]
  /** First agent rung → last customer's talk ended. */
  drainSeconds: number
  servedPerSecond: number
  idealPerSecond: number
  ratio: number
  /** Routers started → first agent rung (they adopt what no router holds on their first sync). */
  firstRingMs: number
  /** An agent's previous leg ended → its next agent leg rang (ms). */
  handoffMs: { p50: number | undefined; p99: number | undefined }
  doubleBooked: number
}

/** The simulated switch (phones and inbound socket) the routers will be pointed at. */
export async function callbackSwitch(config: CallbacksConfig) {
  const fs = new FakeFreeSwitch({
    seed: 51,
    phones: (target) =>
      target.startsWith('user/cb-')
        ? { outcome: 'answer', ringMs: config.ringMs, talkMs: 3_600_000 }
        : target.startsWith('sofia/gateway/carrier/')
          ? { outcome: 'answer', ringMs: config.customerRingMs, talkMs: config.talkMs }
          : undefined,
  })
  const inbound = new FakeInboundSwitch({ switch: fs })
  const { port } = await inbound.listen()
  return { fs, inbound, port }
}

/** Writes the callbacks (held by no router: routers that serve callbacks adopt them). */
export async function writeCallbacks(config: StoreConfig, n: number): Promise<void> {
  const store = await openStore(config)
  try {
    for (let i = 0; i < n; i++)
      await requestCallback(store.db, {
        id: `cb-bench-${i}`,
        callId: `bench-call-${i}`,
        router: 'bench-taker',
        forWhom: { team: 'callbacks' },
        priority: 0,
        number: customer(i),
        caller: customer(i),
        dialed: '+8215880000',
        fields: { order: String(1000 + i) },
        maxAttempts: 3,
        retrySeconds: 60,
        hold: false,
      })
  } finally {
    await store.close()
  }
}

/** Resolves when `n` customers' legs have ended (or rejects after `limitMs`). */
export function customersDone(fs: FakeFreeSwitch, n: number, limitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`callbacks: not all ${n} served within ${limitMs} ms`)), limitMs)
    const check = () => {
      const ended = fs.phones.legs.filter((l) => l.target.startsWith('sofia/') && l.endedAt !== undefined).length
      if (ended >= n) {
        clearTimeout(timer)
        fs.phones.off('end', check)
        resolve()
      }
    }
    fs.phones.on('end', check)
  })
}

/** The figures, with every callback checked in the store and every customer called once. */
export async function callbackFigures(
  config: CallbacksConfig,
  routers: number,
  legs: readonly PhoneLeg[],
  startedAt: number,
  store: StoreConfig,
  doubleBooked: number,
): Promise<CallbackFigures> {
  const agentLegs = legs.filter((l) => l.target.startsWith('user/cb-'))
  const customerLegs = legs.filter((l) => l.target.startsWith('sofia/'))
  const first = Math.min(...agentLegs.map((l) => l.startedAt))
  const last = Math.max(...customerLegs.map((l) => l.endedAt ?? 0))
  const drainSeconds = (last - first) / 1000
  const failures: string[] = []
  const perCustomer = new Map<string, number>()
  for (const l of customerLegs) perCustomer.set(l.target, (perCustomer.get(l.target) ?? 0) + 1)
  for (let i = 0; i < config.callbacks; i++) {
    const calls = perCustomer.get(CALLBACK_DIAL.replace('%s', customer(i))) ?? 0
    if (calls !== 1) failures.push(`customer ${i} called ${calls} times`)
  }
  const db = await openStore(store)
  let served = 0
  try {
    const stored = await rows<{ id: string; status: string; attempts: number }>(
      db.db,
      sql`select id, status, attempts from callbacks order by id`,
    )
    for (const c of stored) {
      if (c.status === 'served' && c.attempts === 1) served++
      else failures.push(`${c.id}: ${c.status}, ${c.attempts} attempts`)
    }
  } finally {
    await db.close()
  }
  const byAgent = new Map<string, PhoneLeg[]>()
  for (const l of agentLegs) byAgent.set(l.target, [...(byAgent.get(l.target) ?? []), l])
  const gaps: number[] = []
  for (const list of byAgent.values()) {
    list.sort((a, b) => a.startedAt - b.startedAt)
    for (let i = 1; i < list.length; i++) gaps.push(list[i]!.startedAt - list[i - 1]!.endedAt!)
  }
  const [p50, p99] = percentiles(gaps, [50, 99])
  const round = (n: number | undefined, d = 1) => (n === undefined ? undefined : Number(n.toFixed(d)))
  const idealPerSecond = config.agents / ((config.ringMs + config.customerRingMs + config.talkMs) / 1000)
  const servedPerSecond = config.callbacks / drainSeconds
  return {
    callbacks: config.callbacks,
    agents: config.agents,
    routers,
    served,
    failures: failures.slice(0, 5),
    drainSeconds: round(drainSeconds, 2)!,
    servedPerSecond: round(servedPerSecond, 2)!,
    idealPerSecond: round(idealPerSecond, 2)!,
    ratio: round(idealPerSecond / servedPerSecond, 3)!,
    firstRingMs: round(first - startedAt)!,
    handoffMs: { p50: round(p50), p99: round(p99) },
    doubleBooked,
  }
}

export const CALLBACKS_METHOD =
  "M callbacks in one longest-idle team's line (held by no router), router processes with --callback-dial adopt " +
  "and serve them through the simulator's inbound socket (agent rings, whisper rendered by the router, customer " +
  'rings then talks); served/s = M ÷ (first agent rung → last talk ended), ideal = agents ÷ (agent ring + customer ' +
  'ring + talk); every callback checked served with one attempt, every customer called once'

/** The scenario's table. */
export function callbacksReport(runs: readonly CallbackFigures[]): string {
  if (runs.length === 0) return '\n(9) callbacks: skipped (PostgreSQL only)\n'
  const head = [
    'routers',
    'served/s',
    'ideal/s',
    'ideal÷served',
    'drain s',
    '1st ring ms',
    'handoff p50/p99',
    'double',
    'served',
  ]
  const lines = runs.map((r) => [
    r.routers,
    r.servedPerSecond,
    r.idealPerSecond,
    r.ratio,
    r.drainSeconds,
    r.firstRingMs,
    `${r.handoffMs.p50}/${r.handoffMs.p99}`,
    r.doubleBooked,
    `${r.served}/${r.callbacks}`,
  ])
  const fmt = (cells: (string | number)[]) => cells.map((c) => String(c).padEnd(14)).join('') + '\n'
  return (
    `\n(9) callbacks — ${runs[0]!.callbacks} callbacks, ${runs[0]!.agents} agents\n` +
    fmt(head) +
    lines.map(fmt).join('') +
    "handoff: an agent's previous leg ended → its next leg rang (ms)\n"
  )
}

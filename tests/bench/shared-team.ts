/**
 * The shared-team scenario (issue 12): M callers arrive at once for one team of N agents whose phones ring
 * RING_MS before the agent answers and then talk TALK_MS, on one router or on two sharing one database. The
 * simulator's phones (lib/testing/fake-freeswitch/phones.ts) take real time and count every leg, so the figures
 * are what callers and agents would see: how long the line took to drain against the ideal M × (ring + talk) ÷ N,
 * how long an agent sat between hanging up and ringing for the next caller, the most agents ringing at once, and
 * any agent rung for two callers at once (double-booked: must be none). Every call is checked.
 */
import { FakeFreeSwitch, type CallResult, type PhoneLeg } from '../../lib/testing/fake-freeswitch/index.js'
import { LoopLag } from './loop-lag.js'
import { percentiles } from './percentiles.js'
import type { WireCounts } from './pg-wire-proxy.js'

export const SHARED_NUMBER = '07033330000'
export const SHARED_WORKFLOW = 'shared-line'

export type SharedConfig = { callers: number; agents: number; ringMs: number; talkMs: number }

/** The flow and its team: the caller is assigned the team and waits in line until an agent answers. */
export function sharedFlows(agents: number): string {
  const agentDocs = Array.from(
    { length: agents },
    (_, i) => `kind: agent\nname: line-${i}\ndial: "user/line-${i}@pbx.example.com"\nteams: [line]\n`,
  )
  return [
    `name: ${SHARED_WORKFLOW}\nsteps:\n  A:\n    - assign: { team: line }\n`,
    'kind: team\nname: line\nstrategy: longest-idle\nringSeconds: 20\n',
    ...agentDocs,
  ].join('---\n')
}

export type SharedFigures = {
  callers: number
  agents: number
  routers: number
  /** Calls whose simulator side and record were right. */
  correct: number
  failures: string[]
  drainSeconds: number
  idealSeconds: number
  drainRatio: number
  /** An agent's hang-up → the next bridge ringing that agent, while callers waited (ms). */
  handoffMs: { p50: number | undefined; p99: number | undefined; max: number | undefined; count: number }
  /** The same without each agent's first hand-off (made while the callers' arrival burst is still being placed). */
  laterHandoffMs: { p50: number | undefined; p99: number | undefined; max: number | undefined; count: number }
  /**
   * How late the simulator's own event loop ran while the first hand-offs were made (the calls placed → the last
   * agent's second ring): every leg is timestamped there, so a first-wave hand-off is measured late by up to this.
   */
  simulatorLagMs: { p99: number | undefined; max: number | undefined }
  /** The call's start → each agent's first ring (ms): how long the arrival burst kept agents idle. */
  firstRingMs: { p50: number | undefined; max: number | undefined }
  /** Calls each agent answered, fewest and most (an uneven share stretches the drain past the ideal). */
  callsPerAgent: { min: number; max: number }
  maxRinging: number
  doubleBooked: number
  /** Database round trips (PostgreSQL, on the wire) during the drain, per caller connected, and by statement. */
  roundTripsPerCall?: number
  roundTripsByKind?: Record<string, number>
}

type Stored = { id: string; outcome: string; team: string | null; agent: string | null }

/**
 * Places `callers` calls at once, spread over `ports` (one per router), and waits for every one to end (≤ 120 s).
 * `roundTrips` reads the database's round-trip counter; `records` reads the stored calls once the routers stopped.
 */
export async function runShared(
  config: SharedConfig,
  ports: number[],
  counters: { roundTrips?: () => Promise<WireCounts> },
): Promise<{ figures: Omit<SharedFigures, 'correct' | 'failures'>; results: CallResult[]; legs: PhoneLeg[] }> {
  const fs = new FakeFreeSwitch({
    seed: 33,
    phones: (target) =>
      target.startsWith('user/line-') ? { outcome: 'answer', ringMs: config.ringMs, talkMs: config.talkMs } : undefined,
  })
  const rt0 = await counters.roundTrips?.()
  const lag = new LoopLag()
  const started = performance.now()
  const calls = Array.from({ length: config.callers }, (_, i) =>
    fs.call({ port: ports[i % ports.length]!, channel: { destination: SHARED_NUMBER } }),
  )
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 120_000)))
  const all = await Promise.race([Promise.all(calls.map((c) => c.result)), limit])
  clearTimeout(timer)
  lag.stop()
  if (all === 'timeout') {
    for (const c of calls) c.hangup('NORMAL_CLEARING')
    throw new Error(`shared team: the calls did not all end within 120 s`)
  }
  const drainMs = Math.max(...fs.phones.legs.map((l) => l.endedAt ?? 0)) - started
  const rt1 = await counters.roundTrips?.()
  const gaps: number[] = []
  const later: number[] = []
  const byAgent = new Map<string, PhoneLeg[]>()
  for (const leg of fs.phones.legs) byAgent.set(leg.target, [...(byAgent.get(leg.target) ?? []), leg])
  for (const legs of byAgent.values()) {
    legs.sort((a, b) => a.startedAt - b.startedAt)
    for (let i = 1; i < legs.length; i++) {
      const gap = legs[i]!.startedAt - legs[i - 1]!.endedAt!
      gaps.push(gap)
      if (i > 1) later.push(gap)
    }
  }
  const firsts = [...byAgent.values()].map((legs) => legs[0]!.startedAt - started)
  const firstWaveEnd = Math.max(...[...byAgent.values()].map((legs) => (legs[1] ?? legs[0]!).startedAt - started))
  const simulatorLag = lag.window(0, firstWaveEnd)
  const [f50] = percentiles(firsts, [50])
  const shares = [...byAgent.values()].map((legs) => legs.length)
  const [p50, p99] = percentiles(gaps, [50, 99])
  const [l50, l99] = percentiles(later, [50, 99])
  const idealSeconds = (config.callers * (config.ringMs + config.talkMs)) / config.agents / 1000
  const drainSeconds = drainMs / 1000
  const round = (n: number | undefined, d = 1) => (n === undefined ? undefined : Number(n.toFixed(d)))
  return {
    figures: {
      callers: config.callers,
      agents: config.agents,
      routers: ports.length,
      drainSeconds: round(drainSeconds, 2)!,
      idealSeconds: round(idealSeconds, 2)!,
      drainRatio: round(drainSeconds / idealSeconds, 3)!,
      handoffMs: { p50: round(p50), p99: round(p99), max: round(Math.max(...gaps)), count: gaps.length },
      laterHandoffMs: { p50: round(l50), p99: round(l99), max: round(Math.max(...later)), count: later.length },
      firstRingMs: { p50: round(f50), max: round(Math.max(...firsts)) },
      simulatorLagMs: { p99: round(simulatorLag.p99), max: round(simulatorLag.max) },
      callsPerAgent: { min: Math.min(...shares), max: Math.max(...shares) },
      maxRinging: fs.phones.maxRinging,
      doubleBooked: fs.phones.doubleBooked.length,
      ...(rt0 === undefined || rt1 === undefined
        ? {}
        : {
            roundTripsPerCall: round((rt1.total - rt0.total) / config.callers, 3)!,
            roundTripsByKind: Object.fromEntries(
              [...rt1.byKind].map(([kind, n]) => [kind, round((n - (rt0.byKind.get(kind) ?? 0)) / config.callers, 3)!]),
            ),
          }),
    },
    results: all,
    legs: fs.phones.legs,
  }
}

/** What is wrong with each call: the simulator side (one bridge, answered, the router's exit) and its record. */
export function checkShared(results: CallResult[], legs: PhoneLeg[], stored: Stored[]): string[] {
  const byId = new Map(stored.map((s) => [s.id, s]))
  const answered = new Map<string, number>()
  for (const leg of legs) if (leg.cause === 'NONE') answered.set(leg.call, (answered.get(leg.call) ?? 0) + 1)
  const wrong: string[] = []
  for (const r of results) {
    const record = byId.get(r.uuid)
    const bridges = r.apps.filter((a) => a.name === 'bridge').length
    if (r.closeReason !== 'exit') wrong.push(`${r.uuid}: closed by ${r.closeReason}`)
    else if (bridges < 1 || answered.get(r.uuid) !== 1)
      wrong.push(`${r.uuid}: ${bridges} bridges, answered ${answered.get(r.uuid) ?? 0}`)
    else if (r.dangerous.length || r.problems.length) wrong.push(`${r.uuid}: problems ${r.problems.join('; ')}`)
    else if (record?.outcome !== 'connected' || record.team !== 'line' || !/^line-\d+$/.test(record.agent ?? ''))
      wrong.push(`${r.uuid}: record ${record ? `${record.outcome} ${record.team} ${record.agent}` : 'missing'}`)
  }
  return wrong
}

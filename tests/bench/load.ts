/**
 * Callers for the bench, all from the FreeSWITCH simulator in this process: a closed loop (each slot places its
 * next call when the last one ended), a paced stream (a fixed rate of new calls), and held calls parked in a long
 * playback. Every call is checked; every loop is bounded in count and time.
 */
import type { CallResult, CallScript, FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { HOLD_NUMBER, slotNumber } from './flows.js'
import { tapped, type Tap } from './wire-tap.js'

/** The standard flow's caller: key 1, six digits, the first agent does not answer, the second does. */
export const STANDARD_SCRIPT: CallScript = Object.freeze({
  keys: ['1', '123456#'],
  bridges: ['no-answer', { legs: 'answer', talkMs: 1000 }],
})
export const STANDARD_APPS = ['answer', 'play_and_get_digits', 'play_and_get_digits', 'bridge', 'bridge']

/** A call that takes longer than this is a failure (virtual media makes a standard call a few ms of work). */
const CALL_LIMIT_MS = 30_000

export type Sample = {
  calls: number
  ok: number
  /** The first few failures, described. */
  failures: string[]
  /** uuid → slot of every call that passed the simulator-side check (for the records check). */
  passed: Map<string, number>
  elapsedMs: number
  setups: number[]
  thinks: number[]
  bytesToRouter: number
  bytesFromRouter: number
}

export function emptySample(): Sample {
  return {
    calls: 0,
    ok: 0,
    failures: [],
    passed: new Map(),
    elapsedMs: 0,
    setups: [],
    thinks: [],
    bytesToRouter: 0,
    bytesFromRouter: 0,
  }
}

export function checkStandard(sim: CallResult): string | undefined {
  const apps = sim.apps.map((a) => a.name).join(',')
  if (apps !== STANDARD_APPS.join(',')) return `applications ${apps}`
  if (sim.closeReason !== 'exit') return `closed by ${sim.closeReason}`
  if (sim.dangerous.length || sim.problems.length) return `problems: ${sim.problems.join('; ')}`
  return undefined
}

async function placeCall(fs: FakeFreeSwitch, port: number, slot: number, into: Sample): Promise<void> {
  const { value: call, tap } = tapped(() =>
    fs.call({ port, channel: { destination: slotNumber(slot) }, script: STANDARD_SCRIPT }),
  )
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CALL_LIMIT_MS)))
  const sim = await Promise.race([call.result, limit])
  clearTimeout(timer)
  into.calls++
  const failure = sim === 'timeout' ? 'no end within 30 s' : checkStandard(sim)
  if (failure !== undefined || sim === 'timeout') {
    if (sim === 'timeout') call.hangup()
    if (into.failures.length < 5) into.failures.push(failure ?? '')
    return
  }
  into.ok++
  into.passed.set(sim.uuid, slot)
  record(tap, into)
}

function record(tap: Tap, into: Sample): void {
  if (tap.connectReplyAt !== undefined && tap.firstExecuteAt !== undefined)
    into.setups.push(tap.firstExecuteAt - tap.connectReplyAt)
  for (const t of tap.thinks) into.thinks.push(t)
  into.bytesToRouter += tap.bytesToRouter
  into.bytesFromRouter += tap.bytesFromRouter
}

/** `slots` callers, each placing its next call as soon as the last one ended, for `durationMs`. */
export async function closedLoop(fs: FakeFreeSwitch, port: number, slots: number, durationMs: number): Promise<Sample> {
  const sample = emptySample()
  const started = performance.now()
  const end = started + durationMs
  await Promise.all(
    Array.from({ length: slots }, async (_, slot) => {
      while (performance.now() < end) await placeCall(fs, port, slot, sample)
    }),
  )
  sample.elapsedMs = performance.now() - started
  return sample
}

/**
 * New calls at `perSecond` for `durationMs`, each on a free slot (a call finds its slot busy only when the router
 * falls behind by `slots` calls; those starts are skipped and counted as failures).
 */
export async function paced(
  fs: FakeFreeSwitch,
  port: number,
  slots: number,
  perSecond: number,
  durationMs: number,
): Promise<Sample> {
  const sample = emptySample()
  const free = Array.from({ length: slots }, (_, i) => slots - 1 - i)
  const running = new Set<Promise<void>>()
  const started = performance.now()
  const total = Math.floor((perSecond * durationMs) / 1000)
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const slot = free.pop()
    if (slot === undefined) {
      sample.calls++
      if (sample.failures.length < 5) sample.failures.push('no free slot: the router fell behind')
      continue
    }
    const p: Promise<void> = placeCall(fs, port, slot, sample).finally(() => {
      free.push(slot)
      running.delete(p)
    })
    running.add(p)
  }
  await Promise.all(running)
  sample.elapsedMs = performance.now() - started
  return sample
}

export type Held = { count: number; release(): Promise<{ ok: number; failures: string[] }> }

/**
 * `count` callers parked in the held-call workflow's long playback, placed in batches, each batch waiting until the
 * router has asked for every playback (bounded: 60 s per batch).
 */
export async function hold(fs: FakeFreeSwitch, port: number, count: number, batch = 250): Promise<Held> {
  const calls: { result: Promise<CallResult>; hangup(): void }[] = []
  for (let placed = 0; placed < count; placed += batch) {
    const asked: Promise<void>[] = []
    for (let i = placed; i < Math.min(count, placed + batch); i++) {
      const { value: call, tap } = tapped(() => fs.call({ port, channel: { destination: HOLD_NUMBER } }))
      calls.push(call)
      asked.push(tap.asked('playback'))
    }
    const ok = await Promise.race([
      Promise.all(asked).then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
    ])
    if (!ok) throw new Error(`held calls: the router did not start ${batch} playbacks within 60 s`)
  }
  return {
    count,
    async release() {
      for (const c of calls) c.hangup()
      const results = await Promise.race([
        Promise.all(calls.map((c) => c.result)),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 60_000).unref()),
      ])
      if (!results) return { ok: 0, failures: ['held calls did not end within 60 s of hanging up'] }
      const failures = results
        .map((r) => r.apps.map((a) => a.name).join(',') === 'answer,playback' && r.closeReason === 'exit')
        .flatMap((good, i) => (good ? [] : [`held call ${i}: ${results[i]!.apps.map((a) => a.name).join(',')}`]))
      return { ok: results.length - failures.length, failures: failures.slice(0, 5) }
    },
  }
}

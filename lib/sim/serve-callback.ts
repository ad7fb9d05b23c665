/**
 * `simulate --callback …`: once the simulated call took a callback, it is served in virtual time by the router's
 * own callback runner (lib/routing/callback-runner.ts) on the simulated world's distributor, with the store's rules
 * in memory and the scripted customer (callback-dialer.ts): agent first, retries after the team's interval, the
 * team's callback schedule. The agents are free then (the call's own ringing script is over).
 */
import { callbackClosedUntil, CallbackRunner, type AttemptEnd } from '../routing/callback-runner.js'
import { MemoryCallbackBook } from '../routing/memory-callback-book.js'
import type { MemoryCallback } from '../server/memory-world.js'
import { SimCallbackDialer, type CustomerAnswer } from './callback-dialer.js'
import type { SimWorld } from './world.js'

export type SimCallbackServed = {
  status: 'served' | 'failed' | 'waiting' | 'cancelled'
  /** Customers called. */
  attempts: number
  /** Each offer's end, ms since the call started. */
  offers: (AttemptEnd & { at: number })[]
}

export async function serveSimCallback(
  world: SimWorld,
  taken: MemoryCallback,
  script: readonly CustomerAnswer[],
  o: { talkSeconds: number; callStartedAt: number },
): Promise<SimCallbackServed> {
  const clock = world.virtualClock
  // The call's own script decided whether agents were free; the callback meets them as they are now.
  world.call = undefined
  const book = new MemoryCallbackBook(clock)
  const held = {
    id: taken.id,
    forWhom: taken.forWhom,
    priority: taken.priority,
    number: taken.number,
    dialed: taken.dialed,
    fields: taken.fields,
    requestedAt: clock.now(),
    nextAttemptAt: null,
  }
  book.add(held, taken.attempts, taken.retrySeconds)
  const runner = new CallbackRunner(world.distributor, {
    clock,
    book,
    dialer: new SimCallbackDialer(clock, script, o.talkSeconds),
    syncMs: 86_400_000,
    closedUntil: (forWhom, at) => callbackClosedUntil(world, forWhom, at),
  })
  runner.serve(held)
  await clock.drive(runner.idle())
  await runner.close()
  const kept = book.get(taken.id)!
  return {
    status: kept.status === 'serving' ? 'waiting' : kept.status,
    attempts: kept.attempts,
    offers: kept.log.map((e) => ({ ...e, at: e.at - o.callStartedAt })),
  }
}

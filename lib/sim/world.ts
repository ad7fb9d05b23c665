/**
 * The World of a simulated call: the in-memory world of the files given, with SMS and records
 * kept for the result, and a queue driven by the script: while queued, the simulator rings again
 * every QUEUE_RETRY_S of virtual time while the script has ringing results left.
 */
import type { CallRecord } from '../engine/record.js'
import type { RingFor } from '../engine/world.js'
import { MemoryWorld } from '../server/memory-world.js'
import type { SimCall } from './call.js'
import type { VirtualClock } from './clock.js'
import type { Directory } from '../workflow/directory.js'

export const QUEUE_RETRY_S = 5

export class SimWorld extends MemoryWorld {
  readonly sms: { callId: string; to: string; text: string }[] = []
  readonly records: CallRecord[] = []
  call: SimCall | undefined

  constructor(
    directory: Directory,
    readonly virtualClock: VirtualClock,
    region: string,
  ) {
    super(directory, {
      clock: virtualClock,
      region,
      record: async (call) => void this.records.push(call),
      sendSms: async (sms) => void this.sms.push(sms),
    })
  }

  override async waitForAgent(
    _forWhom: RingFor,
    until: number,
    signal: AbortSignal,
  ): Promise<'maybe-free' | 'deadline'> {
    const now = this.virtualClock.now()
    const wakeAt = Math.min(this.call?.ringsLeft ? now + QUEUE_RETRY_S * 1000 : Number.POSITIVE_INFINITY, until)
    if (wakeAt === Number.POSITIVE_INFINITY) {
      // Nobody will ever be free and nothing is due: wait for the caller to give up.
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    }
    await this.virtualClock.sleep(wakeAt - now, signal)
    return wakeAt === until ? 'deadline' : 'maybe-free'
  }
}

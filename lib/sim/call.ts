/**
 * A simulated call: the Call interface answered from a Scenario in virtual time. Keys, ringing
 * results and the caller's patience come from the script; media takes plausible virtual time.
 */
import {
  CallEnded,
  type Call,
  type ReadKeysRequest,
  type ReadKeysResult,
  type RingRequest,
  type RingResult,
  type VoicemailRequest,
  type VoicemailResult,
} from '../engine/call.js'
import type { Prompt } from '../workflow/schema.js'
import type { VirtualClock } from './clock.js'
import type { Scenario } from './scenario.js'

/** Virtual length of a prompt: speech at about 8 characters a second, files 3 s. */
export function promptSeconds(p: Prompt): number {
  return 'say' in p ? Math.max(1, Math.round((p.say.length / 8) * 10) / 10) : 3
}

const RING_BEFORE_ANSWER_S = 4
const BUSY_AFTER_S = 2
const KEY_GAP_S = 0.5

export class SimCall implements Call {
  readonly callerName: string
  readonly ended: Promise<{ cause: string }>
  #end!: (v: { cause: string }) => void
  #isEnded = false
  #keys = 0
  #rings = 0
  #holdSince: number | undefined
  #heldMs = 0
  #cancelHoldHangup: (() => void) | undefined
  readonly #aborter = new AbortController()

  constructor(
    readonly id: string,
    readonly caller: string,
    readonly dialed: string,
    private readonly clock: VirtualClock,
    private readonly scenario: Scenario,
  ) {
    this.callerName = ''
    this.ended = new Promise((resolve) => (this.#end = resolve))
  }

  get isEnded(): boolean {
    return this.#isEnded
  }

  /** The scripted caller hangs up now. */
  callerHangsUp(cause = 'NORMAL_CLEARING'): void {
    this.#finish(cause)
  }

  /** Whether the script has ringing results left. */
  get ringsLeft(): boolean {
    return this.#rings < this.scenario.connect.length
  }

  /** Ringing results the script has used so far. */
  get ringsUsed(): number {
    return this.#rings
  }

  /**
   * The distributor is about to offer this caller an agent: the script's `none` (used up here) or its end says
   * nobody is free; any other result is left for the ring. (`asked`: the caller asked just now; the simulator
   * answers the same either way.)
   */
  nobodyFree(_asked = true): boolean {
    const next = this.scenario.connect[this.#rings]
    if (next === undefined) return true
    if (next !== 'none') return false
    this.#rings++
    return true
  }

  #finish(cause: string): void {
    if (this.#isEnded) return
    this.#isEnded = true
    this.#cancelHoldHangup?.()
    this.#aborter.abort(new CallEnded(cause))
    this.#end({ cause })
  }

  async #wait(seconds: number): Promise<void> {
    if (this.#isEnded) throw new CallEnded()
    await this.clock.sleep(seconds * 1000, this.#aborter.signal)
  }

  async answer(): Promise<void> {
    if (this.#isEnded) throw new CallEnded()
  }

  async play(prompt: Prompt): Promise<void> {
    await this.#wait(promptSeconds(prompt))
  }

  async readKeys(req: ReadKeysRequest): Promise<ReadKeysResult> {
    const entry = this.scenario.keys[this.#keys++] ?? ''
    let digits = ''
    let terminator: string | undefined
    for (const key of entry) {
      if (key === req.endKey) {
        terminator = key
        break
      }
      digits += key
      if (digits.length >= req.maxDigits) break
    }
    const waited = entry === '' ? req.firstKeyTimeoutMs / 1000 : (digits.length + (terminator ? 1 : 0)) * KEY_GAP_S
    await this.#wait(promptSeconds(req.prompt) + waited)
    return terminator ? { digits, terminator } : { digits }
  }

  async ring(req: RingRequest): Promise<RingResult> {
    const scripted = this.scenario.connect[this.#rings++] ?? 'none'
    switch (scripted) {
      case 'none':
        return { outcome: 'unavailable', cause: 'NO_AGENT_AVAILABLE' }
      case 'busy':
        await this.#wait(BUSY_AFTER_S)
        return { outcome: 'busy', cause: 'USER_BUSY' }
      case 'no-answer':
        await this.#wait(req.ringSeconds)
        return { outcome: 'no-answer', cause: 'NO_ANSWER' }
      case 'answer': {
        await this.#wait(RING_BEFORE_ANSWER_S)
        const answeredAt = this.clock.now()
        if (req.targets[0]) req.onAnswered?.(req.targets[0].agent, [])
        // Once bridged the call is the agent's: the talk ends normally whatever the script says next.
        await this.clock.sleep(this.scenario.talkSeconds * 1000)
        return {
          outcome: 'answered',
          agent: req.targets[0]?.agent ?? '',
          answeredAt,
          talkSeconds: this.scenario.talkSeconds,
        }
      }
    }
  }

  async voicemail(req: VoicemailRequest): Promise<VoicemailResult> {
    if (req.greeting) await this.play(req.greeting)
    const seconds = Math.min(this.scenario.voicemailSeconds, req.maxSeconds)
    await this.#wait(seconds)
    return { recorded: true, seconds, path: `voicemail/${req.box ?? 'default'}/${this.id}.wav` }
  }

  async startHold(opts: { comfort?: boolean } = {}): Promise<void> {
    if (this.#isEnded) throw new CallEnded()
    // The scripted caller waits out a request; its patience (--queue-wait) is for the queue.
    if (opts.comfort) return
    this.#holdSince = this.clock.now()
    const patienceMs = this.scenario.queueWaitSeconds * 1000 - this.#heldMs
    this.#cancelHoldHangup = this.clock.schedule(patienceMs, () => this.#finish('NORMAL_CLEARING'))
  }

  async stopHold(): Promise<void> {
    if (this.#holdSince === undefined) return
    this.#heldMs += this.clock.now() - this.#holdSince
    this.#holdSince = undefined
    this.#cancelHoldHangup?.()
    this.#cancelHoldHangup = undefined
  }

  async hangup(): Promise<void> {
    this.#finish('NORMAL_CLEARING')
  }
}

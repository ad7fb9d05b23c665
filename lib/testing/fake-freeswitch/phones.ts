/**
 * Agents' phones, shared by every call of one simulated switch: a dialled target with a phone answers the way its
 * phone does (not the way one call's script says), takes real (idle-speed) time to ring and to talk, and is in use
 * while it rings or talks. A leg started towards a phone already in use is counted as double-booked: the router
 * offered one agent to two callers at once. A phone without call waiting answers such a leg USER_BUSY, as a SIP
 * phone with one line does.
 */
import { EventEmitter } from 'node:events'
import type { LegOutcome } from './script.js'

export type PhoneBehaviour = {
  /**
   * What the phone does when rung: `answer` (default) after `ringMs`; `no-answer` rings until the leg's time runs
   * out; `manual` rings until `Phones.answer(target)` (or the leg's time runs out); any other outcome fails after
   * `ringMs` as the bridge's scripted outcomes do (`busy`: USER_BUSY, `unavailable`: USER_NOT_REGISTERED …).
   */
  outcome?: LegOutcome | 'manual'
  /** Virtual ms (idle speed) before the phone answers or fails; default 200 (answer), 40 (busy), 20 (others). */
  ringMs?: number
  /** Virtual ms the agent talks once answered; default 1000. */
  talkMs?: number
  /** A phone already ringing or talking answers another leg USER_BUSY; default true. */
  busyWhenInUse?: boolean
}

export type PhoneLeg = {
  target: string
  /** The caller's channel. */
  call: string
  /** performance.now() when the leg started ringing, was answered, ended. */
  startedAt: number
  answeredAt?: number
  endedAt?: number
  /** The leg's cause (`NONE` when answered, USER_BUSY, ALLOTTED_TIMEOUT …), once known. */
  cause?: string
  /** The phone was already ringing or talking when this leg started. */
  doubleBooked: boolean
}

type PhoneState = { behaviour: PhoneBehaviour; active: Set<PhoneLeg>; answer: (() => void) | undefined }

export type PhoneBook = Record<string, PhoneBehaviour> | ((target: string) => PhoneBehaviour | undefined)

export type PhoneEvents = { ring: [PhoneLeg]; answer: [PhoneLeg]; end: [PhoneLeg] }

export class Phones extends EventEmitter<PhoneEvents> {
  readonly legs: PhoneLeg[] = []
  /** The most phones ringing at the same moment. */
  maxRinging = 0
  readonly #states = new Map<string, PhoneState>()
  #ringing = 0

  constructor(private readonly book: PhoneBook) {
    super()
  }

  /** The phone behind a dial target, if the book has one. */
  behaviour(target: string): PhoneBehaviour | undefined {
    return typeof this.book === 'function' ? this.book(target) : this.book[target]
  }

  #state(target: string): PhoneState | undefined {
    let state = this.#states.get(target)
    if (!state) {
      const behaviour = this.behaviour(target)
      if (!behaviour) return undefined
      state = { behaviour, active: new Set(), answer: undefined }
      this.#states.set(target, state)
    }
    return state
  }

  /** Legs that found their phone already in use: each is an agent offered to two callers at once. */
  get doubleBooked(): PhoneLeg[] {
    return this.legs.filter((l) => l.doubleBooked)
  }

  /** Targets ringing now. */
  ringingNow(): string[] {
    return [...this.#states].flatMap(([target, s]) =>
      [...s.active].some((l) => l.answeredAt === undefined) ? [target] : [],
    )
  }

  /** Picks up a `manual` phone that is ringing; false when it is not ringing. */
  answer(target: string): boolean {
    const state = this.#states.get(target)
    if (!state?.answer) return false
    state.answer()
    return true
  }

  /** A leg towards `target` starts ringing (bridge). Returns its record and how the phone will behave. */
  start(target: string, call: string): { leg: PhoneLeg; behaviour: PhoneBehaviour; busy: boolean } | undefined {
    const state = this.#state(target)
    if (!state) return undefined
    const inUse = state.active.size > 0
    const leg: PhoneLeg = { target, call, startedAt: performance.now(), doubleBooked: inUse }
    this.legs.push(leg)
    state.active.add(leg)
    this.#ringing++
    this.maxRinging = Math.max(this.maxRinging, this.#ringing)
    this.emit('ring', leg)
    return { leg, behaviour: state.behaviour, busy: inUse && (state.behaviour.busyWhenInUse ?? true) }
  }

  /** Resolves when a `manual` phone of this leg is picked up (never for other phones). */
  pickedUp(leg: PhoneLeg): Promise<void> {
    const state = this.#states.get(leg.target)!
    return new Promise((resolve) => {
      state.answer = () => {
        state.answer = undefined
        resolve()
      }
    })
  }

  answered(leg: PhoneLeg): void {
    if (leg.answeredAt !== undefined) return
    leg.answeredAt = performance.now()
    this.#ringing--
    const state = this.#states.get(leg.target)
    if (state) state.answer = undefined
    this.emit('answer', leg)
  }

  /** The leg is over: failed, timed out, lost the race, or the talk ended. */
  ended(leg: PhoneLeg, cause: string): void {
    if (leg.endedAt !== undefined) return
    leg.endedAt = performance.now()
    leg.cause ??= cause
    if (leg.answeredAt === undefined) this.#ringing--
    const state = this.#states.get(leg.target)
    if (state) {
      state.active.delete(leg)
      if (state.active.size === 0) state.answer = undefined
    }
    this.emit('end', leg)
  }
}

/**
 * The per-call state the interpreter carries, and what an action returns.
 * Actions read and change the state only through this context; they never see sockets or SQL.
 */
import type { Workflow } from '../workflow/schema.js'
import type { Call } from './call.js'
import type { CallEvent, Inbox, Outcome } from './record.js'
import type { Seat, Want, World } from './world.js'

/** Where the caller is, which decides what a caller hang-up means (DESIGN.md, inbox rules). */
export type Phase = 'ivr' | 'ringing' | 'queued' | 'voicemail'

/** How a workflow (or the part after it) stopped. */
export type Exit =
  | { kind: 'end'; outcome: Outcome; inbox: Inbox | null }
  /** Nobody answered a try-connect without `otherwise`: wait in the queue. */
  | { kind: 'queue' }
  /** The last step ran out of actions with the call still up: connect to whoever is assigned. */
  | { kind: 'fell-off' }

/** What an action tells the interpreter: go on with the next action, go to a step, or stop. */
export type Next = undefined | { goto: string } | Exit

export type CallState = {
  caller: string
  callerE164: string | undefined
  dialed: string
  dialedE164: string | undefined
  callerName: string
  startedAt: number
  answeredAt: number | null
  phase: Phase
  team: string | null
  agent: string | null
  /** The caller's priority in the queue (`assign: {…, priority}`), 0 by default. */
  priority: number
  /** The caller's place with the distributor, once it first asked for an agent. */
  seat?: Seat
  /** What the caller waits in line for, when it does (not ringing, not in a queued workflow). */
  inLine: Want | null
  tags: string[]
  fields: Record<string, string>
  /** The responses of the call's `http` actions by name (kept in memory only; the record keeps what is used). */
  data: Record<string, unknown>
  sms: { to: string; text: string }[]
  steps: string[]
  events: CallEvent[]
  /** Try-connect actions already run (`workflow/step/index`): each runs at most once per call. */
  triedConnects: Set<string>
  /** Menus and forms whose plays ran out (`workflow/step/index`): their `otherwise` is taken once per call. */
  exhausted: Set<string>
  /** A schedule condition found its schedule closed during this call. */
  offHours: boolean
  /** The last action that ran was a voice message. */
  lastWasMessage: boolean
  queueSeconds: number
  talkSeconds: number
}

/** A distributive Omit, so that each event kind keeps its own fields. */
type EventBody<E> = E extends CallEvent ? Omit<E, 'at'> : never
export type EventInput = EventBody<CallEvent>

export type ActionContext = {
  readonly call: Call
  readonly world: World
  readonly state: CallState
  readonly workflow: Workflow
  readonly step: string
  /** The action's index in its step (identifies a try-connect). */
  readonly index: number
  emit(event: EventInput): void
}

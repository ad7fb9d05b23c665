/** What one call leaves behind: the engine's result, the simulator's JSON and the store's rows. */
import type { RingOutcome } from './call.js'
import type { DataFailure } from './requests.js'

/** `callback`: the caller took a callback and the call ended (the callback itself is followed up, not the call). */
export type Outcome = 'connected' | 'abandoned' | 'missed' | 'voicemail' | 'hangup' | 'callback'
export type InboxReason = 'queue_abandoned' | 'workflow_hangup' | 'voicemail'

/** How a `callback` action ended: taken, or why not (its `otherwise`, else the next action). */
export type CallbackResult = 'taken' | 'full' | 'invalid-number' | 'unassigned' | 'unconfirmed'

export type Inbox = {
  reason: InboxReason
  recording?: { path: string; seconds: number }
}

/** One thing that happened, in order; `at` is milliseconds since the call started. */
export type CallEvent =
  | { at: number; type: 'step'; step: string; workflow: string }
  | { at: number; type: 'message'; step: string; prompt: string }
  | {
      at: number
      type: 'menu'
      step: string
      play: number
      keys: string
      result: 'ok' | 'repeat' | 'no-input' | 'invalid'
      goto?: string
    }
  | {
      at: number
      type: 'collect'
      step: string
      field: string
      play: number
      keys: string
      result: 'ok' | 'no-input' | 'invalid'
    }
  | { at: number; type: 'exhausted'; step: string; action: 'menu' | 'collect'; goto?: string }
  | { at: number; type: 'branch'; step: string; index: number; goto: string | null }
  | { at: number; type: 'goto'; step: string; goto: string }
  | { at: number; type: 'assign'; step: string; team?: string; agent?: string; priority?: number }
  | { at: number; type: 'unassign'; step: string; what: 'team' | 'agent' | 'all' }
  | {
      at: number
      type: 'ring'
      step?: string
      team?: string
      agent?: string
      targets: string[]
      result: RingOutcome | 'skipped'
      answeredBy?: string
    }
  | {
      at: number
      type: 'queue'
      team?: string
      event: 'enter' | 'leave' | 'workflow' | 'position'
      workflow?: string
      waitSeconds?: number
      /** `position`: the caller's place in line it was told (1 = next). */
      position?: number
    }
  | { at: number; type: 'voicemail'; step: string; recorded: boolean; seconds: number; path?: string }
  | { at: number; type: 'sms'; step: string; to: string; text: string }
  /** A key read of the `callback` action: the read-back (1 right, 2 another) or another number entered. */
  | {
      at: number
      type: 'callback-input'
      step: string
      play: number
      keys: string
      result: 'confirmed' | 'another' | 'entered' | 'no-input' | 'invalid'
    }
  | {
      at: number
      type: 'callback'
      step: string
      result: CallbackResult
      /** The number to call back (E.164), once known. */
      number?: string
      /** The callback taken. */
      id?: string
      goto?: string
    }
  | { at: number; type: 'tag'; step: string; tags: string[] }
  | {
      at: number
      type: 'http'
      step: string
      /** The action's name (`data.NAME`) and its endpoint. */
      name: string
      endpoint: string
      result: 'ok' | DataFailure
      status?: number
      /** How long it took, ms. */
      ms: number
      /** It took long enough that the caller heard hold music (or the tone) meanwhile. */
      held?: boolean
      /** ok: only the values the workflow uses (`reservation.time`), never the whole response. */
      values?: Record<string, string>
      /** A failure, in words that never repeat the response. */
      message?: string
      goto?: string
    }
  | { at: number; type: 'hangup'; step?: string; by: 'caller' | 'workflow' | 'router'; cause?: string }
  /** `handedTo: 'dialplan'`: the router let go of the call and FreeSWITCH's dialplan fallback took it. */
  | { at: number; type: 'error'; step?: string; message: string; handedTo?: 'dialplan' }

export type CallRecord = {
  id: string
  /** E.164 when the number could be read as one, else the raw (sanitised) value. */
  caller: string
  callerName: string
  dialed: string
  workflow: string
  version?: number
  startedAt: number
  answeredAt: number | null
  endedAt: number
  outcome: Outcome
  inbox: Inbox | null
  steps: string[]
  events: CallEvent[]
  team: string | null
  agent: string | null
  tags: string[]
  fields: Record<string, string>
  sms: { to: string; text: string }[]
  queueSeconds: number
  talkSeconds: number
}

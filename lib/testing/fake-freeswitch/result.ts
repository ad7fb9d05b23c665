/** What a simulated call records, for tests and the bench to assert on. */
import type { VarValue } from './variables.js'

export type ReceivedCommand = {
  /** The packet as received, body included. */
  raw: string
  /** Its first line, e.g. `sendmsg` or `myevents json`. */
  command: string
  headers: [string, string][]
  body?: string
  /** Virtual milliseconds into the call. */
  at: number
  /** The reply written for it (`Reply-Text`, or the api/response body); none for the first packet. */
  reply?: string
}

export type ExecutedApp = {
  name: string
  /** The argument as sent, before `${…}` expansion. */
  arg: string | undefined
  /** The argument the application got (Application-Data). */
  data?: string
  eventUuid?: string
  /** 0 for an application run from the park loop; 1 and more for one run nested inside another. */
  depth: number
  startedAt: number
  endedAt?: number
  response?: string
  /** Why it did not run: the channel was down, or FreeSWITCH does not know the name. */
  skipped?: 'channel down' | 'invalid application'
}

/** An API call made by `${…}` expansion: outside text reaching it is a command injection. */
export type Expansion = { app: string; input: string; command: string; arg: string }

export type HangupBy = 'caller' | 'server' | 'application' | 'invalid-app' | 'dialplan'

export type SentFrame = { contentType: string; eventName?: string; replyText?: string }

export type CallResult = {
  uuid: string
  /** The seed that replays this call's ids and split writes. */
  seed: number
  commands: ReceivedCommand[]
  apps: ExecutedApp[]
  /** What was written to the client, in order. */
  sent: SentFrame[]
  /** Events fired after the connection closed (`lostEventsAfterHangup`, or exit/close while the call was up). */
  lost: string[]
  answered: boolean
  hangupCause?: string
  hangupBy?: HangupBy
  variables: Record<string, VarValue>
  /** API calls reached through `${…}` in application arguments; a safe server leaves this empty. */
  dangerous: Expansion[]
  /** Things the simulator noticed but does not simulate, or protocol misuse. */
  problems: string[]
  closedBy: 'freeswitch' | 'client'
  closeReason:
    'exit' | 'hangup' | 'linger-timeout' | 'first-packet-timeout' | 'client-closed' | 'bad-packet' | 'connection-failed'
  /** Virtual milliseconds the call lasted. */
  durationMs: number
  /** The dialplan's actions after `socket` that the channel went on to (socket_resume, dialplanAfterSocket). */
  resumed?: string[]
}

/** What an application sees of the simulated session while it runs. */
import type { Channel } from '../channel.js'
import type { Header } from '../event.js'
import type { MediaLengths } from '../media.js'
import type { Phones } from '../phones.js'
import type { ScriptCursor } from '../script.js'

/** How a wait ended: its time ran out, a `break` stopped the media, or the channel hung up. */
export type WaitEnd = 'done' | 'break' | 'hangup'

export type FireOptions = { lead?: Header[]; tail?: Header[]; subclass?: string }

export type AppContext = {
  readonly channel: Channel
  readonly script: ScriptCursor
  readonly media: MediaLengths
  /** Virtual milliseconds since the call began. */
  now(): number
  /** Wall-clock milliseconds of the simulated switch (event dates, recording names). */
  epochMs(): number
  /** Plays media for `ms` (Infinity: until stopped); a `break` ends it early. Queued commands run nested. */
  play(ms: number): Promise<WaitEnd>
  /** Waits for `ms` (ringing, talking, recording): only a hangup ends it early. */
  pause(ms: number): Promise<WaitEnd>
  /**
   * Waits `ms` at idle speed (real time × idleSpeed: what agents' phones take); a hangup ends it early, and so does
   * `until` settling (`'event'`).
   */
  idle(ms: number, until?: Promise<unknown>): Promise<WaitEnd | 'event'>
  /** Agents' phones, when the switch has them. */
  readonly phones?: Phones
  isMissing(file: string): boolean
  /** Whether mod_voicemail finds this box (a directory user). */
  hasVoicemailBox(id: string): boolean
  /** The script's key press planned during the application running now (`presses`), if any. */
  pressDuringApp(): { afterMs: number; digit: string } | undefined
  fire(name: string, options?: FireOptions): void
  dtmf(digit: string): void
  answer(): void
  preAnswer(): void
  hangup(cause: string): void
  /** The caller hangs up now, with the script's cause. */
  callerHangup(): void
  /** `${current_application_response}`, which becomes the Application-Response of EXECUTE_COMPLETE. */
  setResponse(text: string): void
  requestBreak(): void
  /** A second `${…}` expansion, as `set` does on its value. */
  expand(text: string): string
  newUuid(): string
  problem(text: string): void
}

export type App = {
  /** Needs media: FreeSWITCH pre-answers a ringing inbound channel before running it. */
  media: boolean
  run(ctx: AppContext, data: string): Promise<void> | void
}

/**
 * What the caller and the agents do on one simulated call. Every list is consumed in order; when a list runs
 * out the caller stays silent (no keys), legs ring out, and nobody hangs up on their own.
 */

/**
 * Keys for one read attempt (each try of each `play_and_get_digits`): `'1'`, `'123456#'`, or `null`/`''` for
 * no input. The object form says when: `bargeIn` presses the first key `afterMs` into the prompt (default 0),
 * otherwise `afterMs` after the prompt ends (default 300); later keys follow every `gapMs` (default 200).
 */
export type KeyInput = string | null | { digits: string; bargeIn?: boolean; afterMs?: number; gapMs?: number }

/**
 * What one dialled leg does: answers, rings out (`no-answer`: until `leg_timeout`/`originate_timeout`/
 * `call_timeout`, default 60 s), is busy (USER_BUSY), rejects (CALL_REJECTED), cannot be reached
 * (`unavailable`: USER_NOT_REGISTERED for `user/…`, NO_ROUTE_DESTINATION otherwise), fails
 * (NORMAL_TEMPORARY_FAILURE), or ends with any other FreeSWITCH cause name given as is.
 */
export type LegOutcome = 'answer' | 'no-answer' | 'busy' | 'rejected' | 'unavailable' | 'fail' | (string & {})

/**
 * One `bridge` attempt: an outcome for every leg, or one per leg in dial-string order (missing ones ring out);
 * the object form sets when legs answer or fail (`ringMs`), how long the agent talks (`talkMs`), and who hangs
 * up first (`endedBy`, default the agent).
 */
export type BridgeAttempt =
  | LegOutcome
  | LegOutcome[]
  | { legs: LegOutcome | LegOutcome[]; ringMs?: number; talkMs?: number; endedBy?: 'agent' | 'caller' }

/**
 * A key the caller presses while a `playback` plays (hold music, a message), `afterMs` into it: during the Nth
 * application (1-based, every execute counts), or without `duringApp` during the next playback in order. It ends the playback when it is one of the
 * channel's `playback_terminators` (default `*`; `none` for none: trace moh_star).
 */
export type PlaybackPress = { duringApp?: number; afterMs: number; digit: string }

export type CallScript = {
  keys?: KeyInput[]
  /** Keys pressed during playbacks (not during play_and_get_digits, which reads `keys`). */
  presses?: PlaybackPress[]
  bridges?: BridgeAttempt[]
  /** Talk time of an answered bridge when the attempt does not say; default 30 s. */
  talkMs?: number
  /**
   * `voicemail`: milliseconds spoken per recording attempt (a message under 3 s is too short and FreeSWITCH asks
   * again while attempts remain), and how the caller ends it: `#` (default) or hanging up while recording.
   */
  voicemail?: { speakMs?: number | number[]; end?: 'key' | 'hangup' }
  /** `record`: milliseconds spoken, then silence ends it (default) or the caller hangs up. */
  record?: { speakMs?: number; end?: 'silence' | 'hangup' }
  /**
   * The caller hangs up `afterMs` of virtual time into the call; or, with `duringApp` (the Nth application,
   * 1-based, every execute counts) or `duringAppNamed` (the first application of that name), `afterMs` (default 0)
   * into that application: at 0 a playback ends PLAYBACK ERROR, a bridge is still ringing (ORIGINATOR_CANCEL).
   */
  hangup?: { afterMs?: number; duringApp?: number; duringAppNamed?: string; cause?: string }
}

/** Hands out the script's entries one by one. */
export class ScriptCursor {
  #keys = 0
  #bridges = 0
  #speech = 0

  constructor(readonly script: CallScript) {}

  nextKeys(): Exclude<KeyInput, string | null> | undefined {
    const input = this.script.keys?.[this.#keys++]
    if (input === null || input === undefined || input === '') return undefined
    return typeof input === 'string' ? { digits: input } : input
  }

  nextBridge(): Exclude<BridgeAttempt, LegOutcome | LegOutcome[]> {
    const attempt = this.script.bridges?.[this.#bridges++] ?? 'no-answer'
    return typeof attempt === 'string' || Array.isArray(attempt) ? { legs: attempt } : attempt
  }

  /** Milliseconds spoken in the next voicemail recording attempt, undefined when the caller says nothing more. */
  nextSpeech(): number | undefined {
    const speak = this.script.voicemail?.speakMs ?? 6000
    return Array.isArray(speak) ? speak[this.#speech++] : this.#speech++ === 0 ? speak : undefined
  }
}

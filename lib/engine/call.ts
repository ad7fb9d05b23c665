/**
 * The call as the engine sees it: the few things it asks of the media side.
 * Implemented by the ESL session (a real FreeSWITCH channel) and by the simulator.
 *
 * Expected results are values; the caller going away is the exception `CallEnded`,
 * which every pending and later method rejects with once the call is gone.
 */
import type { Prompt } from '../workflow/schema.js'

/** The caller hung up (or the channel went away) while the engine was waiting on the call. */
export class CallEnded extends Error {
  override readonly name = 'CallEnded' as const
  constructor(override readonly cause?: string) {
    // A control-flow signal met on most calls: a stack trace would cost more than the rest of its handling.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(`call ended${cause ? `: ${cause}` : ''}`)
    Error.stackTraceLimit = limit
  }
}

export type CallInfo = {
  /** FreeSWITCH Unique-ID of the channel (or the simulator's id). */
  readonly id: string
  /** Caller number as it arrived (not normalised; may be empty or "anonymous"). */
  readonly caller: string
  readonly callerName: string
  /** Dialled number as it arrived. */
  readonly dialed: string
}

export type ReadKeysRequest = {
  prompt: Prompt
  /** One key (menu) or several (collect). */
  minDigits: number
  maxDigits: number
  /** Key that ends input early and is not part of the digits; 'none' for menus so that '#' can be an option. */
  endKey: '#' | '*' | 'none'
  /** Wait for the first key after the prompt ends. */
  firstKeyTimeoutMs: number
  /** Wait between keys once the first has come. */
  interDigitTimeoutMs: number
}

/**
 * What one play-and-read returned. `digits` is what the caller pressed without the end key;
 * empty when nothing came. The engine decides validity (same logic in the simulator and on FreeSWITCH).
 */
export type ReadKeysResult = { digits: string; terminator?: string }

export type DialTarget = {
  /** Agent name, for the record. */
  agent: string
  /** FreeSWITCH dial string, validated at import. */
  dial: string
}

export type RingRequest = {
  /** Legs rung at once (one agent, or every free agent of a ring-all team); the first to answer wins. */
  targets: DialTarget[]
  /** How long they ring before it counts as no answer. */
  ringSeconds: number
  /** Team the call is for, for the record and caller ID on the agent's phone. */
  team?: string
  /**
   * Called as soon as the media side knows which agent answered (before the talk ends), with the other agents rung
   * at once whose legs could not reach them.
   */
  onAnswered?: (agent: string, unreachable: UnreachableLeg[]) => void
}

export type RingOutcome = 'answered' | 'no-answer' | 'busy' | 'unavailable' | 'failed'
/**
 * 'answered' resolves when the bridge ends (the agent and caller have talked); the others when ringing stops.
 */
export type RingResult = (
  | { outcome: 'answered'; agent: string; answeredAt: number; talkSeconds: number }
  | { outcome: Exclude<RingOutcome, 'answered'>; cause?: string }
) & {
  /** Agents rung at once whose own leg could not reach them, whatever became of the ring as a whole. */
  unreachable?: UnreachableLeg[]
}

/** A leg of a ring-all that could not reach its agent (not registered, no route …), with FreeSWITCH's cause. */
export type UnreachableLeg = { agent: string; cause: string }

export type VoicemailRequest = {
  greeting?: Prompt
  maxSeconds: number
  /** Voicemail box (team or number); the media side picks a default when absent. */
  box?: string
}
/** `recorded` false when the caller left nothing worth keeping (too short, nothing said). */
export type VoicemailResult = { recorded: boolean; path?: string; seconds: number }

export type Call = CallInfo & {
  /** Answers the channel if it is not answered yet. */
  answer(): Promise<void>
  /** Plays a prompt to the end. */
  play(prompt: Prompt): Promise<void>
  readKeys(req: ReadKeysRequest): Promise<ReadKeysResult>
  ring(req: RingRequest): Promise<RingResult>
  voicemail(req: VoicemailRequest): Promise<VoicemailResult>
  /**
   * Starts hold music and returns at once; `stopHold` (or any other media method) interrupts it. `comfort`: while
   * the router itself works (a request), not a wait in line: the simulator's caller does not give up on it.
   */
  startHold(opts?: { comfort?: boolean }): Promise<void>
  stopHold(): Promise<void>
  /** Ends the call from our side. Never rejects: hanging up a gone call is a no-op. */
  hangup(cause?: string): Promise<void>
  /**
   * After an internal error: gives the call, still up, back to whoever placed it (FreeSWITCH's dialplan, whose
   * fallback apologises and takes a message) instead of hanging up. False when there is nobody to give it to.
   */
  handBack?(): Promise<boolean>
  /** Resolves when the caller is gone; never rejects. */
  readonly ended: Promise<{ cause: string }>
  /** True once the call is gone. */
  readonly isEnded: boolean
}

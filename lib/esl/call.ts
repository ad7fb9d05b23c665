/**
 * The engine's Call on a real FreeSWITCH channel: each method runs one application at a time and
 * reads its result from the CHANNEL_EXECUTE_COMPLETE as FreeSWITCH really reports it.
 *
 * A hang-up rejects media waits at once (CallEnded). Ringing and recording are different: their
 * results (talk time, the recording) come in the EXECUTE_COMPLETE after the hang-up, which
 * `linger` keeps coming, so those wait for it.
 */
import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
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
import { toE164 } from '../phone/e164.js'
import type { Prompt } from '../workflow/schema.js'
import { readBridge, unreachableLegs } from './bridge-result.js'
import { SessionClosed, type ChannelEvent, type ChannelSession } from './channel-session.js'
import { dialString } from './dial-string.js'
import type { Media } from './media.js'
import { pagdArgs, readDigitsResult } from './read-digits.js'

export type EslCallOptions = {
  media: Media
  region: string
  /** What the caller hears while queued and while agents ring. */
  holdMusic: string
  /** Where `record` writes voicemail (absolute, no spaces). */
  recordingsDir: string
  /** A recording shorter than this is no voicemail. */
  minRecordingSeconds: number
  /** How voicemail is taken: our own `record` (default) or FreeSWITCH's mod_voicemail box. */
  voicemail?: VoicemailMode
  /** mod_voicemail found no such box (the router recorded the message itself): for a log line and a count. */
  onMissingBox?: (box: string) => void
  now?: () => number
}

/**
 * `record`: the router records into `recordingsDir`. `mod_voicemail`: `voicemail PROFILE DOMAIN BOX`, the message
 * stored in FreeSWITCH's box (the team, else the dialled number), its length limited by the profile's max-record-len.
 */
export type VoicemailMode = { kind: 'record' } | { kind: 'mod_voicemail'; profile: string; domain: string }

/** What mod_voicemail and FreeSWITCH accept as a box id, a profile or a domain: no spaces, quotes or `${`. */
export const VOICEMAIL_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/

export type ChannelInfo = {
  uuid: string
  caller: string
  callerName: string
  dialed: string
  /** The dialplan set `socket_resume=true`: when we let go of the call, its actions after `socket` run. */
  resumable?: boolean
}

const UUID = /^[0-9A-Za-z-]{1,64}$/

/** What the caller hears on hold when the hold music will not play: a short tone every five seconds. */
export const HOLD_TONE = 'tone_stream://%(1000,4000,425);loops=-1'
/** A prompt's render taking longer than this starts the hold music until it is ready. */
export const RENDER_COMFORT_MS = 500
/** A hold playback ending sooner than this did not really play. */
const QUICK_END_MS = 1000
/** How long a break may take to end the hold playback before it is sent again. */
const BREAK_WAIT_MS = 1000

/** When FreeSWITCH fired the event (ms), from its own clock: talk time is measured on the switch. */
function eventTime(e: ChannelEvent): number | undefined {
  const us = Number(e.text('Event-Date-Timestamp'))
  return Number.isFinite(us) && us > 0 ? us / 1000 : undefined
}

/** `voicemail_message_len` is `HH:MM:SS`. */
function hms(text: string | undefined): number {
  const m = /^(\d+):(\d\d):(\d\d)$/.exec(text ?? '')
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0
}

export class EslCall implements Call {
  readonly id: string
  readonly caller: string
  readonly callerName: string
  readonly dialed: string
  readonly ended: Promise<{ cause: string }>
  #prepared = false
  readonly #resumable: boolean
  /** Hold music: while `#holding`, a loop keeps a playback going. */
  #holding = false
  #hold: Promise<void> | undefined
  readonly #now: () => number

  constructor(
    private readonly session: ChannelSession,
    info: ChannelInfo,
    private readonly opts: EslCallOptions,
  ) {
    if (!UUID.test(info.uuid)) throw new Error('refusing a channel whose Unique-ID is not a UUID')
    this.id = info.uuid
    this.caller = info.caller
    this.callerName = info.callerName
    this.dialed = info.dialed
    this.#resumable = info.resumable ?? false
    this.ended = session.ended
    this.#now = opts.now ?? Date.now
  }

  get isEnded(): boolean {
    return this.session.isEnded
  }

  /** Runs an application whose result is worthless once the caller is gone. */
  async #media(app: string, arg: string): Promise<ChannelEvent> {
    if (this.session.isEnded) throw new CallEnded()
    const gone = this.session.ended.then(({ cause }) => {
      throw new CallEnded(cause)
    })
    try {
      return await Promise.race([this.session.execute(app, arg), gone])
    } catch (err) {
      if (err instanceof SessionClosed) throw new CallEnded('socket closed')
      throw err
    } finally {
      gone.catch(() => {})
    }
  }

  /**
   * A prompt being rendered (a text that changes per call is new to the TTS cache) that takes longer than a moment:
   * the caller hears the hold music meanwhile, never silence, broken off once the prompt is ready.
   */
  async #meanwhile<T>(rendering: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), RENDER_COMFORT_MS)))
    const first = await Promise.race([
      rendering.then(
        () => 'ready' as const,
        () => 'ready' as const,
      ),
      slow,
    ])
    clearTimeout(timer)
    if (first === 'ready' || this.#holding || this.session.isEnded) return rendering
    await this.startHold()
    try {
      return await rendering
    } finally {
      await this.stopHold().catch(() => {})
    }
  }

  async answer(): Promise<void> {
    await this.#media('answer', '')
  }

  async play(prompt: Prompt): Promise<void> {
    const p = await this.#meanwhile(this.opts.media.playable(prompt))
    await this.#media(p.app, p.arg)
  }

  async readKeys(req: ReadKeysRequest): Promise<ReadKeysResult> {
    const file = await this.#meanwhile(this.opts.media.file(req.prompt))
    const done = await this.#media('play_and_get_digits', pagdArgs(req, file))
    return readDigitsResult((name) => done.variableText(name), req)
  }

  /**
   * Once per call, before the first ring or hold music: without continue_on_fail most failures hang the caller up
   * (fixture bridge_nocof-plain); hangup_after_bridge=false keeps the call ours after the agent hangs up, to
   * record it; the caller hears the hold music while agents ring; and `*` no longer ends a playback (it ends
   * hold music by default: fixture moh_star), so a caller pressing keys on hold keeps hearing it.
   */
  async #prepare(): Promise<void> {
    if (this.#prepared) return
    try {
      await this.session.api(
        'uuid_setvar_multi',
        this.id,
        `continue_on_fail=true;hangup_after_bridge=false;transfer_ringback=${this.opts.holdMusic};playback_terminators=none`,
      )
    } catch (err) {
      if (err instanceof SessionClosed) throw new CallEnded('socket closed')
      throw err
    }
    this.#prepared = true
  }

  async ring(req: RingRequest): Promise<RingResult> {
    if (req.targets.length === 0) return { outcome: 'unavailable', cause: 'NO_AGENT_AVAILABLE' }
    if (this.session.isEnded) throw new CallEnded()
    await this.#prepare()
    // Legs rung at once get their UUIDs from us: the answering leg and the ones that failed name their agent.
    const legs = new Map<string, string>(
      req.targets.length > 1 ? req.targets.map((t) => [randomUUID(), t.agent] as const) : [],
    )
    let bridgedAt: number | undefined
    let whoAnswered: Promise<string | undefined> | undefined
    const stop = this.session.on('CHANNEL_BRIDGE', (e) => {
      if (bridgedAt !== undefined) return
      bridgedAt = eventTime(e) ?? this.#now()
      const other = e.text('Other-Leg-Unique-ID')
      if (req.targets.length > 1 && other !== undefined && UUID.test(other)) {
        // A leg whose UUID is not ours (an endpoint that ignored origination_uuid) is asked for its `ivr_agent`.
        const known = legs.get(other)
        whoAnswered =
          known !== undefined
            ? Promise.resolve(known)
            : this.session.api('uuid_getvar', other, 'ivr_agent').then(
                (v) => v.trim(),
                () => undefined,
              )
        // originate_causes is final by the CHANNEL_BRIDGE (trace bridge_busy_then_answer_rr): the agents the other
        // legs could not reach go back unreachable together with the ones that lost the race.
        const unreachable = unreachableLegs(e.variableText('originate_causes'), legs, {
          outcome: 'answered',
          cause: 'SUCCESS',
        })
        void whoAnswered.then((name) => {
          if (name && req.targets.some((t) => t.agent === name))
            req.onAnswered?.(
              name,
              unreachable.filter((u) => u.agent !== name),
            )
        })
      } else if (req.targets.length === 1) req.onAnswered?.(req.targets[0]!.agent, [])
    })
    let done: ChannelEvent | undefined
    try {
      done = await this.session.execute(
        'bridge',
        dialString(req, toE164(this.caller, this.opts.region), [...legs.keys()]),
      )
    } catch (err) {
      if (!(err instanceof SessionClosed)) throw err
    } finally {
      stop()
    }
    if (done === undefined) {
      if (bridgedAt === undefined) throw new CallEnded('socket closed')
      return this.#answered(req, bridgedAt, whoAnswered)
    }
    const reading = readBridge((name) => done.variableText(name))
    if (reading.outcome === 'caller-left') throw new CallEnded(reading.cause)
    const unreachable = legs.size ? unreachableLegs(done.variableText('originate_causes'), legs, reading) : []
    const result: RingResult =
      reading.outcome === 'answered'
        ? await this.#answered(req, bridgedAt ?? this.#now(), whoAnswered, eventTime(done))
        : { outcome: reading.outcome, cause: reading.cause }
    return unreachable.length ? { ...result, unreachable } : result
  }

  async #answered(
    req: RingRequest,
    bridgedAt: number,
    whoAnswered: Promise<string | undefined> | undefined,
    endedAt = this.#now(),
  ): Promise<RingResult> {
    const talkSeconds = Math.max(0, (endedAt - bridgedAt) / 1000)
    const named = await whoAnswered
    const agent = req.targets.find((t) => t.agent === named)?.agent ?? req.targets[0]!.agent
    return { outcome: 'answered', agent, answeredAt: bridgedAt, talkSeconds }
  }

  async voicemail(req: VoicemailRequest): Promise<VoicemailResult> {
    if (req.greeting) await this.play(req.greeting)
    if (this.session.isEnded) throw new CallEnded()
    const mode = this.opts.voicemail ?? { kind: 'record' }
    return mode.kind === 'record' ? this.#record(req) : this.#modVoicemail(req, mode)
  }

  async #record(req: VoicemailRequest): Promise<VoicemailResult> {
    await mkdir(this.opts.recordingsDir, { recursive: true })
    const path = join(this.opts.recordingsDir, `${this.id}-${this.#now()}.wav`)
    // `record PATH LIMIT SILENCE_THRESHOLD SILENCE_HITS`: ends on hang-up, limit, or 3 s of silence.
    const done = await this.#lingering('record', `${path} ${req.maxSeconds} 200 3`)
    const ms = Number(done?.variableText('record_ms') ?? 0)
    return this.#kept(path, Number.isFinite(ms) ? ms / 1000 : 0)
  }

  /**
   * mod_voicemail (traces voicemail-*, vm_event): the workflow's greeting has played, so the box's greeting, the
   * instructions, the record-check and urgent menus and the goodbye are skipped. The message is the file in
   * `voicemail_file_path`; FreeSWITCH itself discards one under the profile's min-record-len (3 s) and sets nothing.
   * Without that file and with the call still answered the box does not exist (trace voicemail_nobox: the app
   * returns at once): the router records the message itself rather than lose it.
   */
  async #modVoicemail(
    req: VoicemailRequest,
    mode: Extract<VoicemailMode, { kind: 'mod_voicemail' }>,
  ): Promise<VoicemailResult> {
    const box = req.box && VOICEMAIL_TOKEN.test(req.box) ? req.box : toE164(this.dialed, this.opts.region)
    const id = box?.replace(/^\+/, '') ?? ''
    if (!VOICEMAIL_TOKEN.test(id)) return { recorded: false, seconds: 0 }
    const skipGreeting = req.greeting ? 'true' : 'false'
    try {
      await this.session.api(
        'uuid_setvar_multi',
        this.id,
        `skip_greeting=${skipGreeting};skip_instructions=true;skip_record_check=true;skip_record_urgent_check=true;voicemail_skip_goodbye=true`,
      )
    } catch (err) {
      if (err instanceof SessionClosed) throw new CallEnded('socket closed')
      throw err
    }
    const done = await this.#lingering('voicemail', `${mode.profile} ${mode.domain} ${id}`)
    const path = done?.variableText('voicemail_file_path')
    if (!path) {
      if (done?.text('Answer-State') !== 'answered' || this.session.isEnded) return { recorded: false, seconds: 0 }
      this.opts.onMissingBox?.(id)
      return this.#record(req)
    }
    const ms = Number(done?.variableText('record_ms'))
    return this.#kept(
      path,
      Number.isFinite(ms) && ms > 0 ? ms / 1000 : hms(done?.variableText('voicemail_message_len')),
    )
  }

  /** Runs an application whose result comes after a hang-up (linger keeps it coming); undefined if the socket went. */
  async #lingering(app: string, arg: string): Promise<ChannelEvent | undefined> {
    try {
      return await this.session.execute(app, arg)
    } catch (err) {
      if (!(err instanceof SessionClosed)) throw err
      return undefined
    }
  }

  #kept(path: string, rawSeconds: number): VoicemailResult {
    const seconds = Math.round(rawSeconds * 10) / 10
    return seconds >= this.opts.minRecordingSeconds ? { recorded: true, path, seconds } : { recorded: false, seconds }
  }

  async startHold(): Promise<void> {
    if (this.session.isEnded) throw new CallEnded()
    if (this.#holding) return
    await this.#prepare()
    this.#holding = true
    this.#hold = this.#holdLoop()
  }

  /**
   * Plays the hold music for as long as the caller holds: a playback that ends anyway (a file that ran out, a
   * stream that is missing, a key if terminators were on) starts again, and one that ends at once twice in a row
   * gives way to a comfort tone, so the caller never hears silence.
   */
  async #holdLoop(): Promise<void> {
    let source = this.opts.holdMusic
    let quick = 0
    while (this.#holding && !this.session.isEnded) {
      const started = this.#now()
      let done: ChannelEvent
      try {
        done = await this.session.execute('playback', source)
      } catch {
        return
      }
      if (!this.#holding) return
      const missing = done.text('Application-Response') === 'FILE NOT FOUND'
      quick = missing || this.#now() - started < QUICK_END_MS ? quick + 1 : 0
      if (quick >= 2) {
        if (source === HOLD_TONE) return
        source = HOLD_TONE
        quick = 0
      }
    }
  }

  async stopHold(): Promise<void> {
    if (!this.#holding) return
    this.#holding = false
    const loop = this.#hold
    this.#hold = undefined
    // Stops the playback on this channel (fixture break_moh); its EXECUTE_COMPLETE then arrives. A playback the
    // loop started just as it was stopped may not have begun when the break arrived: break it again.
    for (let tries = 0; tries < 3 && !this.session.isEnded; tries++) {
      await this.session.api('uuid_break', this.id, 'all')
      const stopped = await Promise.race([
        loop?.then(() => true),
        this.session.ended.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), BREAK_WAIT_MS).unref()),
      ])
      if (stopped) return
    }
  }

  /**
   * The bundle's dialplan sets `socket_resume=true` and follows `socket` with its fallback (apology, fallback
   * mailbox): `exit` with the call up hands the caller to it. Without socket_resume FreeSWITCH would hang up.
   */
  async handBack(): Promise<boolean> {
    if (!this.#resumable || this.session.isEnded) return false
    await this.stopHold().catch(() => {})
    await this.session.handBack()
    return true
  }

  async hangup(cause = 'NORMAL_CLEARING'): Promise<void> {
    if (!this.session.isEnded) await this.session.hangup(cause).catch(() => {})
  }
}

/**
 * The engine's Call on a real FreeSWITCH channel: each method runs one application at a time and
 * reads its result from the CHANNEL_EXECUTE_COMPLETE as FreeSWITCH really reports it.
 *
 * A hang-up rejects media waits at once (CallEnded). Ringing and recording are different: their
 * results (talk time, the recording) come in the EXECUTE_COMPLETE after the hang-up, which
 * `linger` keeps coming, so those wait for it.
 */
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
import { readBridge } from './bridge-result.js'
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
  now?: () => number
}

export type ChannelInfo = { uuid: string; caller: string; callerName: string; dialed: string }

const UUID = /^[0-9A-Za-z-]{1,64}$/

/** When FreeSWITCH fired the event (ms), from its own clock: talk time is measured on the switch. */
function eventTime(e: ChannelEvent): number | undefined {
  const us = Number(e.text('Event-Date-Timestamp'))
  return Number.isFinite(us) && us > 0 ? us / 1000 : undefined
}

export class EslCall implements Call {
  readonly id: string
  readonly caller: string
  readonly callerName: string
  readonly dialed: string
  readonly ended: Promise<{ cause: string }>
  #preparedBridge = false
  #hold: Promise<unknown> | undefined
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

  async answer(): Promise<void> {
    await this.#media('answer', '')
  }

  async play(prompt: Prompt): Promise<void> {
    const p = await this.opts.media.playable(prompt)
    await this.#media(p.app, p.arg)
  }

  async readKeys(req: ReadKeysRequest): Promise<ReadKeysResult> {
    const file = await this.opts.media.file(req.prompt)
    const done = await this.#media('play_and_get_digits', pagdArgs(req, file))
    return readDigitsResult((name) => done.variableText(name), req)
  }

  async ring(req: RingRequest): Promise<RingResult> {
    if (req.targets.length === 0) return { outcome: 'unavailable', cause: 'NO_AGENT_AVAILABLE' }
    if (this.session.isEnded) throw new CallEnded()
    if (!this.#preparedBridge) {
      // Without continue_on_fail most failures hang the caller up (fixture bridge_nocof-plain);
      // hangup_after_bridge=false keeps the call ours after the agent hangs up, to record it.
      await this.session.api(
        'uuid_setvar_multi',
        this.id,
        `continue_on_fail=true;hangup_after_bridge=false;transfer_ringback=${this.opts.holdMusic}`,
      )
      this.#preparedBridge = true
    }
    let bridgedAt: number | undefined
    let whoAnswered: Promise<string | undefined> | undefined
    const stop = this.session.on('CHANNEL_BRIDGE', (e) => {
      if (bridgedAt !== undefined) return
      bridgedAt = eventTime(e) ?? this.#now()
      // Each leg carries `ivr_agent` (dial-string.ts); ask the answering leg which agent it is.
      const other = e.text('Other-Leg-Unique-ID')
      if (req.targets.length > 1 && other !== undefined && UUID.test(other)) {
        whoAnswered = this.session.api('uuid_getvar', other, 'ivr_agent').then(
          (v) => v.trim(),
          () => undefined,
        )
        void whoAnswered.then((name) => {
          if (name && req.targets.some((t) => t.agent === name)) req.onAnswered?.(name)
        })
      } else if (req.targets.length === 1) req.onAnswered?.(req.targets[0]!.agent)
    })
    let done: ChannelEvent | undefined
    try {
      done = await this.session.execute('bridge', dialString(req, toE164(this.caller, this.opts.region)))
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
    if (reading.outcome === 'answered')
      return this.#answered(req, bridgedAt ?? this.#now(), whoAnswered, eventTime(done))
    return { outcome: reading.outcome, cause: reading.cause }
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
    await mkdir(this.opts.recordingsDir, { recursive: true })
    const path = join(this.opts.recordingsDir, `${this.id}-${this.#now()}.wav`)
    let done: ChannelEvent | undefined
    try {
      // `record PATH LIMIT SILENCE_THRESHOLD SILENCE_HITS`: ends on hang-up, limit, or 3 s of silence.
      done = await this.session.execute('record', `${path} ${req.maxSeconds} 200 3`)
    } catch (err) {
      if (!(err instanceof SessionClosed)) throw err
    }
    const ms = Number(done?.variableText('record_ms') ?? 0)
    const seconds = Number.isFinite(ms) ? Math.round(ms / 100) / 10 : 0
    const recorded = seconds >= this.opts.minRecordingSeconds
    return recorded ? { recorded, path, seconds } : { recorded, seconds }
  }

  async startHold(): Promise<void> {
    if (this.session.isEnded) throw new CallEnded()
    const hold = this.session.execute('playback', this.opts.holdMusic)
    hold.catch(() => {})
    this.#hold = hold
  }

  async stopHold(): Promise<void> {
    const hold = this.#hold
    if (!hold) return
    this.#hold = undefined
    if (this.session.isEnded) return
    // Stops the playback on this channel (fixture break_moh); its EXECUTE_COMPLETE then arrives.
    await this.session.api('uuid_break', this.id, 'all')
    await Promise.race([hold.catch(() => {}), this.session.ended])
  }

  async hangup(cause = 'NORMAL_CLEARING'): Promise<void> {
    if (!this.session.isEnded) await this.session.hangup(cause).catch(() => {})
  }
}

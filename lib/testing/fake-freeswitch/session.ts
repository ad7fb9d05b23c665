/**
 * The channel's own thread in async mode (mod_event_socket `socket_function`, switch_ivr.c): parked after
 * `connect`, it runs the private events `sendmsg` queues (execute, hangup) one by one. Media waits run queued
 * events nested at once unless the running application holds `event-lock` (trace async_nested). When the
 * channel goes down it fires the end of the call: UNPARK, the `socket` application's EXECUTE_COMPLETE, CHANNEL_STATE
 * CS_HANGUP and CS_REPORTING, CHANNEL_HANGUP_COMPLETE (traces hangup-*, pagd_hangup).
 *
 * Time is virtual: media with a known length takes no real time (unless `mediaSpeed` is finite), while waiting
 * on the router (parked, or endless media such as hold music) virtual time follows real time × `idleSpeed`.
 */
import { APPS, type AppContext, type WaitEnd } from './apps/index.js'
import type { FireOptions } from './apps/context.js'
import { causeName } from './causes.js'
import { setCdrVariables } from './cdr.js'
import type { Channel } from './channel.js'
import { expandVariables } from './expand.js'
import type { MediaLengths } from './media.js'
import { header, type Packet } from './packet-reader.js'
import type { ExecutedApp, Expansion, HangupBy } from './result.js'
import type { Phones } from './phones.js'
import type { ScriptCursor } from './script.js'
import { runApi } from './api.js'

export type SessionSettings = {
  media: MediaLengths
  mediaSpeed: number
  idleSpeed: number
  missingFiles: (string | RegExp)[]
  /** The boxes mod_voicemail finds; all when absent. */
  voicemailBoxes?: string[]
  dtmfSource: string
  /** The `socket` dialplan application this call runs in, for its final EXECUTE_COMPLETE. */
  socketArg: string
  socketAppUuid: string
  /** Async mode parks the channel, so its end starts with CHANNEL_UNPARK. */
  parked: boolean
  /** Agents' phones shared by the switch's calls. */
  phones?: Phones
}

export type SessionHost = {
  /** Fires an event on the channel (the listener decides what reaches the client). */
  fire(name: string, options: FireOptions & { verbose: boolean }): void
  epochMs(virtualMs: number): number
  newUuid(): string
  uptimeSeconds(): number
  problem(text: string): void
}

type Private = { packet: Packet; done?: () => void }

const isTrue = (text: string | undefined) => /^(true|yes|on|enabled|active|allow|1)$/i.test(text ?? '')

export class Session {
  readonly apps: ExecutedApp[] = []
  readonly dangerous: Expansion[] = []
  hangupBy: HangupBy | undefined
  #now = 0
  #queue: Private[] = []
  /** One entry per running application, outermost first: whether it holds `event-lock`. */
  #locks: boolean[] = []
  #break = false
  #hangupAt = Infinity
  #wake: (() => void) | undefined
  #appCount = 0
  #currentApp = ''
  #hangupPlanned = false
  /** Presses without `duringApp` used so far (each goes to the next playback). */
  #pressesUsed = 0
  /** Every key the caller pressed, for `digits_dialed`. */
  #digits = ''

  constructor(
    readonly channel: Channel,
    readonly script: ScriptCursor,
    readonly settings: SessionSettings,
    readonly host: SessionHost,
  ) {
    const plan = script.script.hangup
    const atApp = plan?.duringApp !== undefined || plan?.duringAppNamed !== undefined
    this.#hangupAt = atApp ? Infinity : onGrid(plan?.afterMs ?? Infinity)
  }

  /** Virtual milliseconds since the call began. */
  get now(): number {
    return this.#now
  }

  /** Parks the channel and runs it until it is down, then fires the end of the call. */
  async run(): Promise<void> {
    await this.#wait(Infinity, false, this.settings.idleSpeed)
    for (const { packet, done } of this.#queue.splice(0)) this.#skip(packet, done)
    this.#teardown()
  }

  /** Queues a `sendmsg` for the channel thread; `done` runs once it has been carried out. */
  enqueue(packet: Packet, done?: () => void): void {
    if (!this.channel.up) return this.#skip(packet, done)
    this.#queue.push(done ? { packet, done } : { packet })
    // The channel thread picks it up after the listener has replied `+OK`.
    setImmediate(() => this.#wakeUp())
  }

  /** The channel thread has left the park loop: nothing parses private events any more. */
  #skip(packet: Packet, done?: () => void): void {
    const name = header(packet, 'execute-app-name')
    const arg = header(packet, 'execute-app-arg')
    if (name) this.apps.push({ name, arg, depth: 0, startedAt: this.#now, skipped: 'channel down' })
    done?.()
  }

  requestBreak(): void {
    this.#break = true
    this.#wakeUp()
  }

  hangup(cause: string, by: HangupBy): void {
    const channel = this.channel
    if (!channel.up) return
    channel.hangupCause = cause
    channel.answerState = 'hangup'
    channel.stateNumber = 10
    this.hangupBy = by
    this.#hangupAt = Infinity
    this.host.fire('CHANNEL_HANGUP', { verbose: true })
    channel.onHangup?.()
    this.#wakeUp()
  }

  callerHangup(): void {
    this.hangup(causeName(this.script.script.hangup?.cause), 'caller')
  }

  /** A variable as `switch_channel_get_variable` reads it: arrays whole or by index, then caller-profile fields. */
  lookup(name: string, index = -1): string | undefined {
    const value = this.channel.vars.get(name)
    if (Array.isArray(value)) return index >= 0 ? value[index] : `ARRAY::${value.join('|:')}`
    return value ?? this.channel.profileField(name)
  }

  /** `${…}` expansion on this channel; API calls inside are recorded as dangerous. */
  expand(text: string): string {
    return expandVariables(text, {
      lookup: (name, index) => this.lookup(name, index),
      api: (command, arg) => {
        this.dangerous.push({ app: this.#currentApp, input: text, command, arg })
        return runApi(command, arg, this.apiTarget())
      },
    })
  }

  apiTarget() {
    return {
      uuid: this.channel.uuid,
      vars: this.channel.vars,
      lookup: (name: string) => this.lookup(name),
      legVars: this.channel.legVars,
      uptimeSeconds: () => this.host.uptimeSeconds(),
      requestBreak: () => this.requestBreak(),
      // uuid_kill answers first; the hangup's events follow.
      hangup: (cause: string) => setImmediate(() => this.hangup(cause, 'server')),
    }
  }

  #wakeUp(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Sleeps up to `ms` real milliseconds or until woken; tells whether the time ran out. */
  #sleep(ms: number): Promise<{ elapsed: number; timedOut: boolean }> {
    const started = performance.now()
    return new Promise((resolve) => {
      const finish = (timedOut: boolean) => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve({ elapsed: performance.now() - started, timedOut })
      }
      const timer = ms < 2 ** 31 - 1 ? setTimeout(() => finish(true), Math.max(0, ms)) : undefined
      this.#wake = () => finish(false)
    })
  }

  /**
   * The one place time passes: waits `ms` virtual milliseconds (Infinity: until something happens), running
   * queued commands meanwhile, ending early on hangup and, when `breakable`, on a break.
   */
  async #wait(ms: number, breakable: boolean, speed: number, until?: Promise<unknown>): Promise<WaitEnd | 'event'> {
    let left = ms
    let settled = false
    void until?.then(() => {
      settled = true
      this.#wakeUp()
    })
    for (;;) {
      if (!this.channel.up) return 'hangup'
      if (breakable && this.#break) {
        this.#break = false
        return 'break'
      }
      if (settled) return 'event'
      const next = this.#locks.includes(true) ? undefined : this.#queue.shift()
      if (next) {
        await this.#process(next)
        continue
      }
      if (this.#now >= this.#hangupAt) {
        this.callerHangup()
        continue
      }
      if (left <= 0) return 'done'
      const stop = Math.min(left, this.#hangupAt - this.#now)
      if (speed === Infinity && stop !== Infinity) {
        this.#advance(stop)
        left -= stop
        continue
      }
      const woke = await this.#sleep(stop === Infinity || speed <= 0 ? Infinity : stop / speed)
      const passed = woke.timedOut ? stop : speed === Infinity ? 0 : Math.min(stop, woke.elapsed * speed)
      this.#advance(passed)
      left -= passed
    }
  }

  #advance(ms: number): void {
    this.#now = onGrid(this.#now + ms)
  }

  /** Media of known length at media speed, endless media at idle speed; no outside event ends it. */
  #media(ms: number, breakable: boolean): Promise<WaitEnd> {
    const speed = ms === Infinity ? this.settings.idleSpeed : this.settings.mediaSpeed
    return this.#wait(ms, breakable, speed) as Promise<WaitEnd>
  }

  async #process({ packet, done }: Private): Promise<void> {
    const command = header(packet, 'call-command')
    if (command === 'execute') await this.#executeCommand(packet)
    else if (command === 'hangup') this.hangup(causeName(header(packet, 'hangup-cause')), 'server')
    else this.host.problem(`sendmsg call-command ${command ?? '(none)'} is not simulated`)
    done?.()
  }

  /** `switch_ivr_parse_event` for `call-command: execute`, with its `loops`. */
  async #executeCommand(packet: Packet): Promise<void> {
    const name = header(packet, 'execute-app-name')
    if (!name) return
    let arg = header(packet, 'execute-app-arg')
    if (!arg && header(packet, 'content-type')?.toLowerCase() === 'text/plain') arg = packet.body
    const loops = parseInt(header(packet, 'loops') ?? '1', 10) || 1
    const vars = this.channel.vars
    for (let x = 0; x < loops || loops < 0; x++) {
      const started = this.#now
      vars.set('current_loop', String(x + 1))
      vars.set('total_loops', String(loops))
      const ran = await this.#execute(name, arg, {
        uuid: header(packet, 'event-uuid'),
        uuidName: header(packet, 'event-uuid-name'),
        lock: isTrue(header(packet, 'event-lock')),
      })
      if (!ran || !this.channel.up || this.#now - started < 500) break
    }
    vars.delete('current_loop')
    vars.delete('total_loops')
  }

  /** `switch_core_session_execute_application_get_flags` + `switch_core_session_exec`. */
  async #execute(
    name: string,
    arg: string | undefined,
    o: { uuid: string | undefined; uuidName: string | undefined; lock: boolean },
  ): Promise<boolean> {
    const record: ExecutedApp = { name, arg, depth: this.#locks.length, startedAt: this.#now }
    if (o.uuid) record.eventUuid = o.uuid
    this.apps.push(record)
    if (!this.channel.up) {
      record.skipped = 'channel down'
      return false
    }
    const app = APPS[name]
    if (!app) {
      record.skipped = 'invalid application'
      this.hangup('DESTINATION_OUT_OF_ORDER', 'invalid-app')
      return false
    }
    if (app.media && this.channel.answerState === 'ringing') this.preAnswer()
    const vars = this.channel.vars
    const outer = this.#currentApp
    this.#currentApp = name
    const data = arg === undefined || isTrue(vars.text('app_disable_expand_variables')) ? arg : this.expand(arg)
    if (data !== undefined) record.data = data
    const appUuid = o.uuid ?? this.host.newUuid()
    const appHeaders = (response?: string) => {
      const h: [string, string][] = [['Application', name]]
      if (data !== undefined) h.push(['Application-Data', data])
      if (response !== undefined) h.push(['Application-Response', response])
      h.push(['Application-UUID', appUuid])
      if (o.uuidName) h.push(['Application-UUID-Name', o.uuidName])
      return h
    }
    vars.set('current_application', name)
    vars.set('current_application_data', data)
    vars.delete('current_application_response')
    this.host.fire('CHANNEL_EXECUTE', { tail: appHeaders(), verbose: true })
    this.#break = false
    vars.set('current_application', name)
    this.#appCount++
    const plan = this.script.script.hangup
    if (plan && (plan.duringApp === this.#appCount || (plan.duringAppNamed === name && !this.#hangupPlanned))) {
      this.#hangupPlanned = true
      this.#hangupAt = Math.min(this.#hangupAt, onGrid(this.#now + (plan.afterMs ?? 0)))
    }
    this.#locks.push(o.lock)
    await app.run(this.#context(), data ?? '')
    this.#locks.pop()
    if (this.channel.up && this.#now >= this.#hangupAt) this.callerHangup()
    record.endedAt = this.#now
    record.response = vars.text('current_application_response') ?? '_none_'
    this.host.fire('CHANNEL_EXECUTE_COMPLETE', { tail: appHeaders(record.response), verbose: true })
    this.#currentApp = outer
    return true
  }

  preAnswer(): void {
    const channel = this.channel
    if (channel.answerState !== 'ringing') return
    channel.answerState = 'early'
    channel.profile.times.progressMedia = this.#epochUs()
    this.host.fire('CHANNEL_PROGRESS_MEDIA', { verbose: true })
    channel.callState = 'EARLY'
    channel.vars.set('endpoint_disposition', 'EARLY MEDIA')
  }

  answer(): void {
    const channel = this.channel
    if (channel.answered || !channel.up) return
    channel.answerState = 'answered'
    channel.profile.times.answered = this.#epochUs()
    this.host.fire('CHANNEL_ANSWER', { verbose: true })
    channel.callState = 'ACTIVE'
    channel.vars.set('endpoint_disposition', 'ANSWER')
  }

  #epochUs(): number {
    return Math.round(this.host.epochMs(this.#now) * 1000)
  }

  #context(): AppContext {
    const settings = this.settings
    return {
      channel: this.channel,
      script: this.script,
      media: settings.media,
      now: () => this.#now,
      epochMs: () => this.host.epochMs(this.#now),
      play: (ms) => this.#media(ms, true),
      pause: (ms) => this.#media(ms, false),
      idle: (ms, until) => this.#wait(ms, false, settings.idleSpeed, until),
      ...(settings.phones ? { phones: settings.phones } : {}),
      pressDuringApp: () => {
        const presses = this.script.script.presses ?? []
        const numbered = presses.find((p) => p.duringApp === this.#appCount)
        if (numbered) return numbered
        return presses.filter((p) => p.duringApp === undefined)[this.#pressesUsed++]
      },
      hasVoicemailBox: (id) => settings.voicemailBoxes?.includes(id) ?? true,
      isMissing: (file) => settings.missingFiles.some((m) => (typeof m === 'string' ? m === file : m.test(file))),
      fire: (name, options) => this.host.fire(name, { ...options, verbose: true }),
      dtmf: (digit) => {
        this.#digits += digit
        this.host.fire('DTMF', {
          verbose: false,
          tail: [
            ['DTMF-Digit', digit],
            ['DTMF-Duration', '2000'],
            ['DTMF-Source', settings.dtmfSource],
          ],
        })
      },
      answer: () => this.answer(),
      preAnswer: () => this.preAnswer(),
      hangup: (cause) => this.hangup(cause, 'application'),
      callerHangup: () => this.callerHangup(),
      setResponse: (text) => this.channel.vars.set('current_application_response', text),
      requestBreak: () => this.requestBreak(),
      expand: (text) => this.expand(text),
      newUuid: () => this.host.newUuid(),
      problem: (text) => this.host.problem(text),
    }
  }

  /** What FreeSWITCH fires once the channel is down and the socket application returns (traces hangup-*). */
  #teardown(): void {
    const channel = this.channel
    const vars = channel.vars
    const fire = this.host.fire.bind(this.host)
    if (this.settings.parked) fire('CHANNEL_UNPARK', { verbose: true })
    const response = vars.text('current_application_response') ?? '_none_'
    fire('CHANNEL_EXECUTE_COMPLETE', {
      verbose: true,
      tail: [
        ['Application', 'socket'],
        ['Application-Data', this.settings.socketArg],
        ['Application-Response', response],
        ['Application-UUID', this.settings.socketAppUuid],
      ],
    })
    channel.state = 'CS_HANGUP'
    fire('CHANNEL_STATE', { verbose: false })
    channel.state = 'CS_REPORTING'
    channel.stateNumber = 11
    channel.callState = 'HANGUP'
    channel.profile.times.hangup = this.#epochUs()
    fire('CHANNEL_STATE', { verbose: false })
    const last = [...this.apps].reverse().find((app) => !app.skipped)
    setCdrVariables(channel, last, this.#digits)
    fire('CHANNEL_HANGUP_COMPLETE', { verbose: true, lead: [['Hangup-Cause', channel.hangupCause ?? 'NONE']] })
  }
}

/**
 * Virtual times are whole microseconds, the clock and every moment it is compared with alike: in floating point
 * a + (b − a) can miss b (a hang-up scripted at 1500 ms ended at 1500.0000000002), and a moment off the grid would
 * never be reached by a clock on it.
 */
function onGrid(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : ms
}

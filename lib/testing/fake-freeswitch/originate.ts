/**
 * The `originate` API on the simulated switch (mod_commands.c `originate_function`, switch_ivr_originate.c), as
 * trace inbound_originate shows it: the A leg rings (CHANNEL_ORIGINATE) through the switch's phone book
 * (phones.ts, shared with the outbound calls), then answers (CHANNEL_ANSWER on both loopback legs) and the
 * originate returns `+OK <uuid>\n`, or fails (`-ERR <CAUSE>\n`, CHANNEL_HANGUP_COMPLETE on its legs; none for an
 * unregistered user, whose leg is never created). The answered channel runs the `&app(…)`: `park` waits for
 * `uuid_kill` or the agent's phone to hang up; `socket` connects to the router like the dialplan's `socket` does
 * (call.ts), with a channel that is already answered. Ring and talk times are idle-speed time, like the phones'.
 */
import type { CallOptions, FakeCall, SwitchContext } from './call.js'
import { causeName } from './causes.js'
import type { Channel } from './channel.js'
import { endpoint, type Endpoint } from './dial-string.js'
import type { FsEvent } from './event.js'
import { parseOriginate, type OriginateArgs } from './originate-args.js'
import { aLeg, bLeg, fireOn, hangupComplete, markAnswered, type LegHost, type LegSpec } from './originated-leg.js'
import type { PhoneBehaviour, PhoneLeg } from './phones.js'
import { separateString } from './separate.js'

export type OriginateHost = {
  context: SwitchContext
  newUuid(): string
  /** To every client of the inbound socket. */
  emit(event: FsEvent): void
  /** The directory's registered users (`id@domain` with a contact), for `user/…` targets without a phone. */
  registered(user: string): boolean
  callOn(channel: Channel, options: CallOptions): FakeCall
  problem(text: string): void
}

/** How long a phone rings before it answers or fails, when its behaviour does not say (as bridge.ts). */
const RING_MS: Record<string, number> = { answer: 200, busy: 40 }

type Live = { kill(cause: string): void; legs: number }

/** The causes FreeSWITCH gives the scripted failures (as bridge.ts). */
function failure(outcome: string, user: boolean): string {
  switch (outcome) {
    case 'busy':
      return 'USER_BUSY'
    case 'rejected':
      return 'CALL_REJECTED'
    case 'unavailable':
      return user ? 'USER_NOT_REGISTERED' : 'NO_ROUTE_DESTINATION'
    case 'fail':
      return 'NORMAL_TEMPORARY_FAILURE'
    default:
      return causeName(outcome)
  }
}

export class Originations {
  readonly #host: OriginateHost
  readonly #live = new Map<string, Live>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #legHost: LegHost
  readonly #started = performance.now()
  readonly #epoch: number

  constructor(host: OriginateHost) {
    this.#host = host
    const ctx = host.context
    this.#epoch = ctx.epochMs ?? Date.now()
    this.#legHost = {
      identity: ctx.identity,
      nextSequence: () => ctx.nextSequence(),
      nextSessionId: () => ctx.nextSessionId(),
      // Idle-speed time: a phone ringing 3 s at idleSpeed 1000 is 3 ms of real time and 3 s in the events.
      epochMs: () => this.#epoch + (performance.now() - this.#started) * ctx.idleSpeed,
      emit: (event) => host.emit(event),
    }
  }

  /** Channels up (both loopback legs count), for `show channels count`. */
  get count(): number {
    return [...this.#live.values()].reduce((n, l) => n + l.legs, 0)
  }

  exists(uuid: string): boolean {
    return this.#live.has(uuid)
  }

  /** `uuid_kill`: false when no such channel. */
  kill(uuid: string, cause: string): boolean {
    const live = this.#live.get(uuid)
    if (!live) return false
    live.kill(cause)
    return true
  }

  /** Runs `originate ARG` and resolves with its output. */
  async run(arg: string): Promise<string> {
    const args = parseOriginate(arg)
    if (typeof args === 'string') return args
    if (arg.includes('${')) {
      this.#host.problem(`originate with \${…} (FreeSWITCH expands it on the new channel, API calls included): ${arg}`)
    }
    const e = endpoint(args.target)
    if (e.errorCause !== undefined) return `-ERR ${causeName(e.errorCause)}\n`
    const kind = (args.target.split('/')[0] ?? '').toLowerCase()
    const loopback = kind === 'loopback'
    const uuid = args.vars.find(([k]) => k === 'origination_uuid')?.[1] ?? this.#host.newUuid()
    const phones = this.#host.context.phones
    const behaviour: PhoneBehaviour | undefined = phones?.behaviour(args.target)
    const phone = behaviour ? phones!.start(args.target, uuid) : undefined
    const registered = !e.user || this.#host.registered(args.target.slice(args.target.indexOf('/') + 1))
    const own = behaviour ? (behaviour.outcome ?? 'answer') : registered ? 'answer' : 'unavailable'
    const outcome = phone?.busy && own !== 'unavailable' ? 'busy' : own
    if (e.user && outcome === 'unavailable') {
      if (phone) phones!.ended(phone.leg, 'USER_NOT_REGISTERED')
      return '-ERR USER_NOT_REGISTERED\n'
    }
    const spec: LegSpec = {
      uuid,
      other: loopback ? this.#host.newUuid() : undefined,
      endpoint: e,
      module: kind,
      vars: args.vars,
      cidName: get(args, 'origination_caller_id_name') ?? args.cidName ?? '',
      cidNum: get(args, 'origination_caller_id_number') ?? args.cidNum ?? '',
    }
    return this.#ring(args, spec, e, outcome, behaviour, phone?.leg)
  }

  async #ring(
    args: OriginateArgs,
    spec: LegSpec,
    e: Endpoint,
    outcome: string,
    behaviour: PhoneBehaviour | undefined,
    phoneLeg: PhoneLeg | undefined,
  ): Promise<string> {
    const host = this.#legHost
    const phones = this.#host.context.phones
    const a = aLeg(spec, host)
    const b = spec.other ? bLeg(spec, host) : undefined
    let killed: ((cause: string) => void) | undefined
    const kill = new Promise<string>((resolve) => (killed = resolve))
    this.#live.set(a.uuid, { kill: (cause) => killed?.(cause), legs: b ? 2 : 1 })
    fireOn(host, a, 'CHANNEL_ORIGINATE')
    const timeoutSec = parseInt(get(args, 'originate_timeout') ?? '', 10) || args.timeoutSec || 60
    const ringMs = behaviour?.ringMs ?? RING_MS[outcome] ?? 20
    const rings = outcome === 'no-answer' || outcome === 'manual' || ringMs > timeoutSec * 1000
    const waitMs = rings ? timeoutSec * 1000 : ringMs
    if (outcome !== 'busy' && ringMs > 0) a.profile.times.progress = a.profile.times.created
    const picked = outcome === 'manual' && phoneLeg ? phones!.pickedUp(phoneLeg).then(() => 'picked') : undefined
    const ringing = this.#idle(waitMs)
    const end = await Promise.race([ringing.then(() => 'time'), kill, ...(picked ? [picked] : [])])
    ringing.cancel()
    const answered = end === 'picked' || (end === 'time' && !rings && outcome === 'answer')
    if (!answered) {
      const cause = end === 'time' ? (rings ? 'NO_ANSWER' : failure(outcome, e.user)) : causeName(end)
      this.#live.delete(a.uuid)
      if (phoneLeg) phones!.ended(phoneLeg, cause)
      // The B leg ends first when the target refused; the A leg first when originate gave up (trace inbound_originate).
      if (b && cause !== 'NO_ANSWER') hangupComplete(host, b, cause, true)
      hangupComplete(host, a, cause, !!b)
      if (b && cause === 'NO_ANSWER') setImmediate(() => hangupComplete(host, b, cause, true))
      return `-ERR ${cause}\n`
    }
    if (phoneLeg) phones!.answered(phoneLeg)
    markAnswered(host, a, b)
    let ended = false
    const hungUp = () => {
      if (ended) return
      ended = true
      this.#live.delete(a.uuid)
      if (phoneLeg) phones!.ended(phoneLeg, 'NONE')
    }
    // The agent's phone is free once the channel hangs up, though its socket session may linger a while.
    a.onHangup = hungUp
    const talkMs = behaviour?.talkMs ?? 1000
    if (args.app?.name === 'socket') this.#socket(a, b, args.app.args, talkMs, hungUp)
    else this.#park(a, b, args, talkMs, kill, hungUp)
    return `+OK ${a.uuid}\n`
  }

  /** `&park()` (and anything not simulated): the channel waits until killed or the agent hangs up. */
  #park(
    a: Channel,
    b: Channel | undefined,
    args: OriginateArgs,
    talkMs: number,
    kill: Promise<string>,
    hungUp: () => void,
  ): void {
    const name = args.app?.name
    if (name !== 'park')
      this.#host.problem(
        `originate ${args.app ? `&${name}(${args.app.args})` : `to extension ${args.exten}`} is not simulated: the channel parks`,
      )
    a.vars.set('current_application', 'park')
    const talk = this.#idle(talkMs)
    void Promise.race([kill, talk.then(() => 'NORMAL_CLEARING')]).then((cause) => {
      talk.cancel()
      hungUp()
      hangupComplete(this.#legHost, a, causeName(cause), !!b, { name: 'park' })
      if (b) hangupComplete(this.#legHost, b, causeName(cause), true)
    })
  }

  /**
   * `&socket(host:port async full)`: mod_event_socket's socket application connects out; the router gets the
   * channel data of this answered channel. A refused connection makes the application return at once, and the
   * channel, with nothing more to run, hangs up NORMAL_CLEARING (`socket_function`, switch_core_state_machine.c).
   */
  #socket(a: Channel, b: Channel | undefined, data: string, talkMs: number, hungUp: () => void): void {
    const [address = '', ...flags] = separateString(data, ' ')
    const colon = address.lastIndexOf(':')
    const host = colon < 0 ? address : address.slice(0, colon)
    const port = colon < 0 ? 8084 : parseInt(address.slice(colon + 1), 10) || 0
    a.vars.set('current_application_data', data)
    a.vars.set('current_application', 'socket')
    a.vars.set('socket_host', host)
    const call = this.#host.callOn(a, { host, port, async: flags.includes('async'), full: flags.includes('full') })
    this.#live.set(a.uuid, { kill: (cause) => call.hangup(causeName(cause)), legs: b ? 2 : 1 })
    const talk = this.#idle(talkMs)
    void talk.then(() => call.hangup('NORMAL_CLEARING'))
    void call.result.then((result) => {
      talk.cancel()
      hungUp()
      // Without a connection the session never ran, so its end (CHANNEL_HANGUP_COMPLETE) is fired here.
      if (result.closeReason === 'connection-failed')
        hangupComplete(this.#legHost, a, 'NORMAL_CLEARING', !!b, { name: 'socket' })
      if (b) hangupComplete(this.#legHost, b, a.hangupCause ?? 'NORMAL_CLEARING', true)
    })
  }

  /** Waits `ms` of idle-speed time; `cancel` drops the timer, and the promise never settles. */
  #idle(ms: number): Promise<void> & { cancel(): void } {
    const real = Math.min(ms / this.#host.context.idleSpeed, 2 ** 31 - 1)
    let timer: NodeJS.Timeout | undefined
    const promise = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#timers.delete(timer!)
        resolve()
      }, real)
      this.#timers.add(timer)
    })
    return Object.assign(promise, {
      cancel: () => {
        clearTimeout(timer)
        this.#timers.delete(timer!)
      },
    })
  }

  /** The switch shuts down: nothing rings or talks any more. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }
}

const get = (args: OriginateArgs, name: string) => args.vars.find(([k]) => k === name)?.[1]

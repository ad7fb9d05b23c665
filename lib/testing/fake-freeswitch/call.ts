/**
 * One simulated call: FreeSWITCH's `socket` application connecting out to the router, and the mod_event_socket
 * listener on that connection (`listener_run`, `read_packet`, `parse_command`): the first packet gets no reply
 * (connect writes its own), `full` gates the global commands, replies pair with commands by order, events go out
 * as subscribed, and the connection ends with the disconnect notice (after the linger notice when lingering).
 */
import { connect, type Socket } from 'node:net'
import { runApi } from './api.js'
import { Channel, noTimes, profileHeaders } from './channel.js'
import { eventFrame, eventPrefix, serializePlain, type FsEvent, type Header, type SwitchIdentity } from './event.js'
import type { FireOptions } from './apps/context.js'
import type { MediaLengths } from './media.js'
import { BadPacket, PacketReader, header, type Packet } from './packet-reader.js'
import { seeded, uuidFrom, type Random } from './prng.js'
import type { CallResult, ReceivedCommand, SentFrame } from './result.js'
import type { Phones } from './phones.js'
import { ScriptCursor, type CallScript } from './script.js'
import { Session } from './session.js'
import { Subscription } from './subscription.js'
import { FrameWriter, type SplitMode } from './writer.js'

export type ChannelOptions = {
  /** Unique-ID of the channel; a fresh one (from the seed) by default. */
  uuid?: string
  callerNumber?: string
  callerName?: string
  /** The dialled number (Caller-Destination-Number). */
  destination?: string
  context?: string
  channelName?: string
  /** Variables the dialplan set before `socket`, listed before it in the channel data. */
  variables?: Record<string, string>
}

export type CallOptions = {
  port: number
  host?: string
  channel?: ChannelOptions
  script?: CallScript
  /** `socket … full`: default true. Without it the global commands answer `-ERR command not found`. */
  full?: boolean
  /** `socket … async`: default true. Without it (`static`) `sendmsg` replies once the application is done. */
  async?: boolean
  /** Cut every write at random byte boundaries (seeded) or into single bytes. */
  split?: SplitMode
  seed?: number
  /** Stands in for FreeSWITCH's 25 s wait for the first packet; default 25000. */
  firstPacketTimeoutMs?: number
  /** Without linger, drop everything after CHANNEL_HANGUP, as FreeSWITCH under load does (trace LOST-EVENTS). */
  lostEventsAfterHangup?: boolean
  /**
   * Deliver CHANNEL_PARK right after the reply to the Nth command (1-based): FreeSWITCH parks the channel at
   * `connect`, and the event reaches a client that subscribes fast enough (traces pagd_timeout_all, dtmf-plain).
   */
  parkAfterCommand?: number
  /**
   * The dialplan's actions after `socket` (the bundle's fallback: `answer`, `playback …`, `voicemail …`). With
   * `socket_resume=true` on the channel, a socket that ends (the router's `exit` or its connection closing) while
   * the call is up hands the channel back to the dialplan, which runs these (listed in the result's `resumed`, not
   * simulated further) instead of hanging up. Without them, or without `socket_resume`, the channel hangs up.
   */
  dialplanAfterSocket?: string[]
}

/** Someone who sees the events of every channel, not only the listener of one call. */
export type EventObserver = { lists(name: string, subclass?: string): boolean; emit(event: FsEvent): void }

/** What the switch shares with its calls. */
export type SwitchContext = {
  identity: SwitchIdentity
  media: MediaLengths
  mediaSpeed: number
  idleSpeed: number
  missingFiles: (string | RegExp)[]
  voicemailBoxes?: string[]
  dtmfSource: string
  phones?: Phones
  epochMs?: number
  /** Clients of the switch's inbound socket: every channel's events reach those subscribed to them (inbound.ts). */
  observer?: EventObserver
  nextSequence(): number
  nextSessionId(): number
  uptimeSeconds(): number
}

const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n'
const LOG_LEVELS: Record<string, number> = {
  console: 0,
  alert: 1,
  crit: 2,
  err: 3,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
}

export class FakeCall {
  readonly uuid: string
  readonly #channel: Channel
  readonly result: Promise<CallResult>
  readonly #options: CallOptions
  readonly #switch: SwitchContext
  readonly #random: Random
  readonly #seed: number
  readonly #session: Session
  readonly #subscription: Subscription
  readonly #socket: Socket
  readonly #writer: FrameWriter
  readonly #reader = new PacketReader()
  readonly #epoch: number
  readonly #commands: ReceivedCommand[] = []
  readonly #sent: SentFrame[] = []
  readonly #lost: string[] = []
  readonly #problems: string[] = []
  #chain: Promise<void> = Promise.resolve()
  #seenFirst = false
  #firstTimer: NodeJS.Timeout | undefined
  #lingerTimer: NodeJS.Timeout | undefined
  #connected = false
  #running: Promise<void> | undefined
  #linger: number | undefined
  #logging = false
  #held: [Buffer, SentFrame][] | undefined
  /** What a command does once its reply is out (BACKGROUND_JOB, CHANNEL_PARK). */
  #afterReply: (() => void)[] = []
  #exiting = false
  /** The dialplan's actions the channel went on to after the socket (dialplanAfterSocket). */
  #resumed: string[] | undefined
  #closed = false
  #closedBy: CallResult['closedBy'] = 'freeswitch'
  #closeReason: CallResult['closeReason'] = 'hangup'

  /** `channel`: a channel that exists before the socket connects (an originated leg, originate.ts). */
  constructor(sw: SwitchContext, options: CallOptions, seed: number, channel?: Channel) {
    this.#switch = sw
    this.#options = options
    this.#seed = seed
    this.#random = seeded(seed)
    this.#epoch = sw.epochMs ?? Date.now()
    const full = options.full ?? true
    const async = options.async ?? true
    const host = options.host ?? '127.0.0.1'
    const socketArg = [`${host}:${options.port}`, async ? 'async' : '', full ? 'full' : ''].filter(Boolean).join(' ')
    this.#channel = channel ?? this.#makeChannel(options.channel ?? {}, host, socketArg)
    this.uuid = this.#channel.uuid
    this.#subscription = new Subscription(this.uuid)
    this.#session = new Session(
      this.#channel,
      new ScriptCursor(options.script ?? {}),
      {
        media: sw.media,
        mediaSpeed: sw.mediaSpeed,
        idleSpeed: sw.idleSpeed,
        missingFiles: sw.missingFiles,
        ...(sw.voicemailBoxes && { voicemailBoxes: sw.voicemailBoxes }),
        dtmfSource: sw.dtmfSource,
        ...(sw.phones ? { phones: sw.phones } : {}),
        socketArg,
        socketAppUuid: this.#newUuid(),
        parked: async,
      },
      {
        fire: (name, o) => this.#fire(name, o),
        epochMs: (virtual) => this.#epoch + virtual,
        newUuid: () => this.#newUuid(),
        uptimeSeconds: () => sw.uptimeSeconds(),
        problem: (text) => this.#problems.push(text),
      },
    )
    this.#socket = connect({ host, port: options.port, noDelay: true })
    this.#writer = new FrameWriter(this.#socket, options.split ?? 'none', seeded(seed ^ 0x5bd1e995))
    this.result = new Promise((resolve) => this.#socket.once('close', () => resolve(this.#finish())))
    this.#socket.on('connect', () => {
      this.#firstTimer = setTimeout(() => {
        if (!this.#seenFirst) this.#disconnect('first-packet-timeout')
      }, options.firstPacketTimeoutMs ?? 25000)
    })
    this.#socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    this.#socket.on('end', () => {
      this.#closedBy = this.#closed ? this.#closedBy : 'client'
      this.#disconnect('client-closed')
    })
    this.#socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#problems.push(`socket: ${error.message}`)
      // A reset is the router closing abruptly (killed with data unread): it closed the call, not the switch.
      if (error.code === 'ECONNRESET' && !this.#closed) this.#closedBy = 'client'
      // The first-packet timer starts on connect: without it the connection never came up.
      if (this.#firstTimer === undefined) this.#closeReason = 'connection-failed'
    })
  }

  /** The caller hangs up now (for tests driving the call from outside). */
  hangup(cause = 'NORMAL_CLEARING'): void {
    this.#session.hangup(cause, 'caller')
  }

  #newUuid(): string {
    return uuidFrom(this.#random)
  }

  #makeChannel(o: ChannelOptions, host: string, socketArg: string): Channel {
    const uuid = o.uuid ?? this.#newUuid()
    const aLeg = this.#newUuid()
    const number = o.callerNumber ?? '01012345678'
    const name = o.callerName ?? 'AcceptanceCaller'
    const destination = o.destination ?? '07012345678'
    const context = o.context ?? 'public'
    const channelName = o.channelName ?? `loopback/${destination}-b`
    const channel = new Channel({
      direction: 'inbound',
      logicalDirection: 'inbound',
      dialplan: 'xml',
      callerIdName: name,
      callerIdNumber: number,
      origCallerIdName: name,
      origCallerIdNumber: number,
      calleeIdName: 'Outbound Call',
      calleeIdNumber: context,
      ani: number,
      destinationNumber: destination,
      uniqueId: uuid,
      source: 'mod_loopback',
      context,
      channelName,
      times: noTimes(this.#epoch * 1000),
    })
    const vars = channel.vars
    const initial: [string, string][] = [
      ['direction', 'inbound'],
      ['uuid', uuid],
      ['session_id', String(this.#switch.nextSessionId())],
      ['channel_name', channelName],
      ['read_codec', 'L16'],
      ['read_rate', '8000'],
      ['write_codec', 'L16'],
      ['write_rate', '8000'],
      ['origination_uuid', aLeg],
      ['origination_caller_id_number', number],
      ['origination_caller_id_name', name],
      ['other_loopback_leg_uuid', aLeg],
      ['loopback_leg', 'B'],
    ]
    for (const [key, value] of initial) vars.set(key, value)
    vars.push('DP_MATCH', destination)
    vars.push('DP_MATCH', destination)
    vars.set('call_uuid', uuid)
    for (const [key, value] of Object.entries(o.variables ?? {})) vars.set(key, value)
    vars.set('current_application_data', socketArg)
    vars.set('current_application', 'socket')
    vars.set('socket_host', host)
    return channel
  }

  #receive(chunk: Buffer): void {
    let packets: Packet[]
    try {
      packets = this.#reader.push(chunk)
    } catch (error) {
      if (!(error instanceof BadPacket)) throw error
      this.#problems.push(error.message)
      this.#disconnect('bad-packet')
      return
    }
    for (const packet of packets) this.#chain = this.#chain.then(() => this.#handle(packet))
  }

  async #handle(packet: Packet): Promise<void> {
    if (this.#closed) return
    const first = !this.#seenFirst
    this.#seenFirst = true
    clearTimeout(this.#firstTimer)
    const record: ReceivedCommand = {
      raw: packet.raw,
      command: packet.command,
      headers: packet.headers,
      at: this.#session.now,
    }
    if (packet.body !== undefined) record.body = packet.body
    this.#commands.push(record)
    if (this.#commands.length === this.#options.parkAfterCommand) {
      this.#afterReply.push(() => this.#fire('CHANNEL_PARK', { verbose: true }))
    }
    if (first && !packet.command.toLowerCase().startsWith('connect')) {
      this.#problems.push(`first packet was "${packet.command}", not connect: FreeSWITCH does not reply to it`)
    }
    const reply = await this.#command(packet, record)
    const held = this.#held
    this.#held = undefined
    if (reply !== undefined && !first) {
      record.reply = reply.startsWith('~') ? reply.slice(1) : reply
      const text = reply.startsWith('~')
        ? `Content-Type: command/reply\n${reply.slice(1)}`
        : `Content-Type: command/reply\nReply-Text: ${reply}\n\n`
      this.#write(Buffer.from(text), { contentType: 'command/reply', replyText: record.reply })
    }
    for (const [frame, sent] of held ?? []) this.#write(frame, sent)
    for (const then of this.#afterReply.splice(0)) then()
    if (this.#exiting) this.#disconnect('exit')
  }

  /** `parse_command`, in its order of checks. Returns the reply text, or undefined when the command wrote its own. */
  async #command(packet: Packet, record: ReceivedCommand): Promise<string | undefined> {
    const line = packet.command
    const cmd = line.toLowerCase()
    const full = this.#options.full ?? true
    if (cmd.startsWith('exit') || cmd.startsWith('...')) {
      this.#exiting = true
      return '+OK bye'
    }
    if (cmd.startsWith('filter ')) return this.#subscription.filter(line)
    if (cmd.startsWith('resume')) {
      this.#channel.vars.set('socket_resume', 'true')
      return '+OK'
    }
    if (cmd.startsWith('connect')) return this.#connect()
    if (cmd.startsWith('getvar')) return this.#getvar(line)
    if (cmd.startsWith('myevents')) return this.#subscribed(this.#subscription.myevents(line))
    if (cmd.startsWith('divert_events')) {
      const value = line.slice(13).trim()
      if (!value) return '-ERR missing value.'
      return value.toLowerCase() === 'on' ? '+OK events diverted' : '+OK events not diverted'
    }
    if (cmd.startsWith('sendmsg')) return this.#sendmsg(packet)
    if (!full) return '-ERR command not found'
    if (cmd.startsWith('sendevent')) return `+OK ${this.#newUuid()}`
    if (cmd.startsWith('api ')) return this.#api(line.slice(4), record)
    if (cmd.startsWith('bgapi ')) return this.#bgapi(line.slice(6), packet)
    if (cmd.startsWith('log')) return this.#log(line)
    if (cmd.startsWith('linger')) {
      this.#linger = line[6] === ' ' && line.length > 7 ? parseInt(line.slice(7), 10) || 0 : -1
      return this.#linger !== -1 ? `+OK will linger ${this.#linger} seconds` : '+OK will linger'
    }
    if (cmd.startsWith('nolinger')) {
      this.#linger = undefined
      return '+OK will not linger'
    }
    if (cmd.startsWith('nolog')) {
      const was = this.#logging
      this.#logging = false
      return was ? '+OK no longer logging' : '-ERR not loging'
    }
    if (cmd.startsWith('event')) return this.#subscribed(this.#subscription.event(line))
    if (cmd.startsWith('nixevent')) return this.#subscription.nixevent(line)
    if (cmd.startsWith('noevents')) return this.#subscription.noevents()
    this.#problems.push(`unknown command "${line}"`)
    return '-ERR command not found'
  }

  #subscribed(reply: string): string {
    if (this.#subscription.format === 'xml') this.#problems.push('xml events are not simulated: none will be sent')
    return reply
  }

  /** The CHANNEL_DATA event serialized as the reply's header block, values URL-encoded (MES:2023-2046). */
  #connect(): undefined {
    const headers: Header[] = [
      ...eventPrefix(
        this.#switch.identity,
        'CHANNEL_DATA',
        this.#epoch + this.#session.now,
        this.#switch.nextSequence(),
      ),
      ...profileHeaders('Channel-', this.#channel.profile, '1'),
      ...this.#channel.basicHeaders(),
      ...this.#channel.variableHeaders(),
      ['Content-Type', 'command/reply'],
      ['Reply-Text', '+OK\n'],
      ['Socket-Mode', (this.#options.async ?? true) ? 'async' : 'static'],
      ['Control', (this.#options.full ?? true) ? 'full' : 'single-channel'],
    ]
    this.#write(Buffer.from(serializePlain(headers)), { contentType: 'command/reply', eventName: 'CHANNEL_DATA' })
    if (!this.#connected) {
      this.#connected = true
      this.#running = this.#session.run().then(() => this.#channelDown())
    }
    return undefined
  }

  #getvar(line: string): string {
    const space = line.indexOf(' ')
    if (space < 0) return '-ERR command not found'
    return this.#session.lookup(line.slice(space + 1)) || '-ERR command not found'
  }

  async #sendmsg(packet: Packet): Promise<string> {
    let target = packet.command.slice(7).trim() || header(packet, 'session-id') || ''
    if (target === this.uuid) target = ''
    if (target) return `-ERR invalid session id [${target}]`
    const async = (this.#options.async ?? true) || /^(true|yes|on|1)$/i.test(header(packet, 'async') ?? '')
    if (async) {
      this.#session.enqueue(packet)
      return '+OK'
    }
    // Static mode runs the application inside the listener: the reply comes after it, then its events.
    this.#held = []
    await new Promise<void>((done) => this.#session.enqueue(packet, done))
    return '+OK'
  }

  #api(text: string, record: ReceivedCommand): undefined {
    const space = text.indexOf(' ')
    const command = space < 0 ? text : text.slice(0, space)
    const arg = space < 0 ? '' : text.slice(space + 1)
    const body = runApi(command, arg, this.#session.apiTarget()) ?? `-ERR ${command} Command not found!\n`
    const reply = body || '-ERR no reply\n'
    record.reply = reply
    const frame = `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(reply)}\n\n${reply}`
    this.#write(Buffer.from(frame), { contentType: 'api/response', replyText: reply })
    return undefined
  }

  #bgapi(text: string, packet: Packet): string {
    const space = text.indexOf(' ')
    const command = space < 0 ? text : text.slice(0, space)
    const arg = space < 0 ? undefined : text.slice(space + 1)
    const job = header(packet, 'job-uuid') ?? this.#newUuid()
    this.#afterReply.push(() => {
      const body = runApi(command, arg ?? '', this.#session.apiTarget()) ?? `-ERR ${command} Command not found!\n`
      const lead: Header[] = [
        ['Job-UUID', job],
        ['Job-Owner-UUID', this.uuid],
        ['Job-Command', command],
      ]
      if (arg !== undefined) lead.push(['Job-Command-Arg', arg])
      this.#emit({
        name: 'BACKGROUND_JOB',
        headers: [...this.#prefix('BACKGROUND_JOB'), ...lead],
        body: body || 'Command returned no output!',
      })
    })
    return `~Reply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`
  }

  #log(line: string): string {
    const level = line.slice(3).trim().split(' ')[0] ?? ''
    const n = level === '' ? 7 : /^\d+$/.test(level) ? parseInt(level, 10) : LOG_LEVELS[level.toLowerCase()]
    if (n === undefined || n > 7) return '-ERR invalid log level'
    this.#logging = true
    return `+OK log level ${level} [${n}]`
  }

  #prefix(name: string, subclass?: string): Header[] {
    return eventPrefix(
      this.#switch.identity,
      name,
      this.#epoch + this.#session.now,
      this.#switch.nextSequence(),
      subclass,
    )
  }

  #fire(name: string, o: FireOptions & { verbose: boolean }): void {
    const sequence = this.#switch.nextSequence()
    const observer = this.#switch.observer?.lists(name, o.subclass) ? this.#switch.observer : undefined
    const mine = !this.#closed && this.#subscription.enabled && this.#subscription.lists(name, o.subclass)
    if (this.#closed && this.#channel.hangupCause) this.#lost.push(name)
    // An event nobody subscribed to is not built (with every channel variable, the simulator's main cost).
    if (!mine && !observer) return
    const headers: Header[] = [
      ...eventPrefix(this.#switch.identity, name, this.#epoch + this.#session.now, sequence, o.subclass),
      ...(o.lead ?? []),
      ...this.#channel.basicHeaders(name !== 'CHANNEL_HANGUP_COMPLETE'),
      ...(o.verbose ? this.#channel.variableHeaders() : []),
      ...(o.tail ?? []),
    ]
    const event: FsEvent = o.subclass ? { name, subclass: o.subclass, headers } : { name, headers }
    if (mine) this.#emit(event)
    observer?.emit(event)
    if (name === 'CHANNEL_HANGUP' && this.#options.lostEventsAfterHangup && this.#linger === undefined) {
      this.#disconnect('hangup')
    }
  }

  #emit(event: FsEvent): void {
    if (this.#closed || !this.#subscription.accepts(event)) return
    const format = this.#subscription.format
    if (format === 'xml') return
    this.#write(eventFrame(event, format), { contentType: `text/event-${format}`, eventName: event.name })
  }

  #write(frame: Buffer, sent: SentFrame): void {
    if (this.#closed) return
    if (this.#held) this.#held.push([frame, sent])
    else {
      this.#sent.push(sent)
      this.#writer.write(frame)
    }
  }

  /** The listener sees the channel down: linger notice and wait, or disconnect now. */
  #channelDown(): void {
    if (this.#closed) return
    if (this.#linger === undefined) return this.#disconnect('hangup')
    const notice =
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${this.uuid}\nContent-Disposition: linger\n` +
      `Channel-Name: ${this.#channel.name}\nLinger-Time: ${this.#linger}\nContent-Length: 0\n\n`
    this.#write(Buffer.from(notice), { contentType: 'text/disconnect-notice' })
    if (this.#linger !== -1) {
      const realMs = (Math.max(0, this.#linger) * 1000) / this.#switch.idleSpeed
      this.#lingerTimer = setTimeout(() => this.#disconnect('linger-timeout'), realMs)
    }
  }

  /** `send_disconnect` and close (MES:631). */
  #disconnect(reason: CallResult['closeReason']): void {
    if (this.#closed) return
    const held = this.#held
    this.#held = undefined
    for (const [frame, sent] of held ?? []) this.#write(frame, sent)
    const notice =
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${this.uuid}\nContent-Disposition: disconnect\n` +
      `Content-Length: ${Buffer.byteLength(DISCONNECT_BODY)}\n\n${DISCONNECT_BODY}`
    this.#write(Buffer.from(notice), { contentType: 'text/disconnect-notice' })
    this.#closed = true
    this.#closeReason = reason
    clearTimeout(this.#firstTimer)
    clearTimeout(this.#lingerTimer)
    this.#writer.end()
    // The socket application returns. The dialplan carries on only where socket_resume asks for it and there is
    // something after the socket; otherwise the channel hangs up.
    const after = this.#options.dialplanAfterSocket ?? []
    if (this.#channel.up && after.length > 0 && /^true$/i.test(this.#channel.vars.text('socket_resume') ?? '')) {
      this.#resumed = [...after]
    }
    this.#session.hangup('NORMAL_CLEARING', 'dialplan')
  }

  async #finish(): Promise<CallResult> {
    this.#closed = true
    clearTimeout(this.#firstTimer)
    clearTimeout(this.#lingerTimer)
    this.#session.hangup('NORMAL_CLEARING', 'dialplan')
    await this.#running
    const result: CallResult = {
      uuid: this.uuid,
      seed: this.#seed,
      commands: this.#commands,
      apps: this.#session.apps,
      sent: this.#sent,
      lost: this.#lost,
      answered: this.#channel.answered,
      variables: this.#channel.vars.toObject(),
      dangerous: this.#session.dangerous,
      problems: this.#problems,
      closedBy: this.#closedBy,
      closeReason: this.#closeReason,
      durationMs: this.#session.now,
    }
    if (this.#channel.hangupCause) result.hangupCause = this.#channel.hangupCause
    if (this.#resumed) result.resumed = this.#resumed
    if (this.#session.hangupBy) result.hangupBy = this.#session.hangupBy
    return result
  }
}

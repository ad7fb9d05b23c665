/**
 * FreeSWITCH's inbound Event Socket (mod_event_socket listening, default 127.0.0.1:8021): a client connects, is
 * checked against the ACL (`text/rude-rejection`, then the disconnect notice), gets `Content-Type: auth/request`,
 * must send `auth PASSWORD` (`+OK accepted`; `-ERR invalid` and the disconnect notice, then the close), and may
 * then run `api` (an `api/response` frame with Content-Length), `bgapi` (`+OK Job-UUID` and a BACKGROUND_JOB
 * event), `event`/`nixevent`/`noevents`/`filter` and `exit` (MES `listener_run`, `parse_command`, `api_exec`).
 * The API commands answered are the ones `ivr-router doctor` asks (`status`, `module_exists`, `xml_locate` …) and
 * `originate` / `uuid_kill` (originate.ts), whose channels ring the phones of the outbound switch given as `switch`
 * and whose events, like those of every call of that switch, reach the clients subscribed to them.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { causeName } from './causes.js'
import { eventFrame, eventPrefix, type FsEvent, type Header, type SwitchIdentity } from './event.js'
import { FakeFreeSwitch } from './fake-freeswitch.js'
import { Originations } from './originate.js'
import { BadPacket, PacketReader, header, type Packet } from './packet-reader.js'
import { seeded, uuidFrom, type Random } from './prng.js'
import { Subscription } from './subscription.js'

export type InboundOptions = {
  /** `password` in event_socket.conf.xml; FreeSWITCH's default is ClueCon. */
  password?: string
  /** Client addresses `apply-inbound-acl` lets in; everyone by default (the simulator listens on loopback). */
  allow?: (address: string) => boolean
  /** Loaded modules, for `module_exists`. */
  modules?: string[]
  /**
   * The dialplan contexts, each the XML FreeSWITCH holds after pre-processing: the `<extension>` elements of the
   * context, as in a file under conf/dialplan/ (an `<include>` wrapper is dropped, as X-PRE-PROCESS does).
   */
  dialplan?: Record<string, string>
  /** `status` says `is ready` (default) or `is not ready` (still starting, or shutting down). */
  ready?: boolean
  version?: string
  identity?: Partial<SwitchIdentity>
  seed?: number
  /** Stands in for the 25 s FreeSWITCH waits for `auth` before it hangs up on a client. */
  authTimeoutMs?: number
  /** `global_getvar NAME` (trace inbound_auth: `domain` 127.0.0.1, `sound_prefix` …/sounds/en/us/callie). */
  globals?: Record<string, string>
  /** `fsctl sps`: the sessions-per-second limit (switch.conf.xml `sessions-per-second`; FreeSWITCH's default 30). */
  sessionsPerSecond?: number
  /** `local_stream show`: stream name (`moh/8000`, `default`) → directory. */
  localStreams?: Record<string, string>
  /** `file_exists PATH`: the paths that exist. */
  files?: string[]
  /** The directory's users as `id@domain` (`user_exists id ID DOMAIN`), with a contact when registered (`sofia_contact`). */
  users?: Record<string, { contact?: string }>
  /** mod_voicemail's messages by `box@domain/profile` (`vm_list`, `vm_read`; trace inbound_vm). Changed in place. */
  mailboxes?: Record<string, VoicemailMessage[]>
  /**
   * The switch behind this socket: `originate` rings its phones (`phones`), its `socket` connections behave as its
   * calls, and its calls' events reach this socket's subscribers. A switch of its own (no phones) by default.
   */
  switch?: FakeFreeSwitch
}

/** One message of a box, as `vm_list` lists it. */
export type VoicemailMessage = {
  createdEpoch: number
  /** 0 while unread. */
  readEpoch: number
  /** The UUID of the channel that left it. */
  uuid: string
  path: string
  cidName: string
  cidNumber: string
  /** Seconds. */
  length: number
}

const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n'
const REJECTION_BODY = 'Access Denied, go away.\n'

export class FakeInboundSwitch {
  readonly #options: InboundOptions
  readonly #identity: SwitchIdentity
  readonly #random: Random
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #started = performance.now()
  readonly #listeners = new Set<Listener>()
  readonly #originations: Originations
  readonly #unobserve: () => void
  readonly #sequence: () => number
  /** Every command received, in order, across connections (passwords included: it is a test double). */
  readonly commands: string[] = []
  /** What FreeSWITCH would have been made to do that a router must never ask: text that breaks out of a command. */
  readonly problems: string[] = []

  constructor(options: InboundOptions = {}) {
    this.#options = options
    this.#random = seeded(options.seed ?? 1)
    const own = uuidFrom(this.#random)
    const fs = options.switch ?? new FakeFreeSwitch({ seed: options.seed ?? 1, coreUuid: own })
    const { context, observe, callOn } = fs.shared
    this.#identity = { ...context.identity, ...options.identity }
    this.#sequence = () => context.nextSequence()
    this.#originations = new Originations({
      context: { ...context, identity: this.#identity },
      newUuid: () => uuidFrom(this.#random),
      emit: (event) => this.#broadcast(event),
      registered: (user) => options.users?.[user]?.contact !== undefined,
      callOn,
      problem: (text) => this.problems.push(text),
    })
    this.#unobserve = observe({
      lists: (name, subclass) => [...this.#listeners].some((l) => l.lists(name, subclass)),
      emit: (event) => this.#broadcast(event),
    })
    this.#server = createServer({ noDelay: true }, (socket) => this.#accept(socket))
  }

  #broadcast(event: FsEvent): void {
    for (const listener of this.#listeners) listener.emit(event)
  }

  /** Listens on 127.0.0.1 (port 0: any free port) and returns the address. */
  async listen(port = 0): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, '127.0.0.1', () => resolve())
    })
    return this.#server.address() as AddressInfo
  }

  async close(): Promise<void> {
    this.#unobserve()
    this.#originations.stop()
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket)
    socket.on('close', () => this.#sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const address = socket.remoteAddress ?? ''
    if (this.#options.allow && !this.#options.allow(address)) {
      socket.write(`Content-Type: text/rude-rejection\nContent-Length: ${REJECTION_BODY.length}\n\n${REJECTION_BODY}`)
      this.#goodbye(socket)
      return
    }
    const listener = new Listener(this, socket)
    this.#listeners.add(listener)
    socket.on('close', () => this.#listeners.delete(listener))
  }

  /** `send_disconnect` for a listener without a session, then the close. */
  #goodbye(socket: Socket): void {
    socket.end(
      `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(DISCONNECT_BODY)}\n\n${DISCONNECT_BODY}`,
    )
  }

  /** @internal what a listener needs from the switch. */
  get shared() {
    return {
      options: this.#options,
      record: (command: string) => this.commands.push(command),
      newUuid: () => uuidFrom(this.#random),
      prefix: (name: string) => eventPrefix(this.#identity, name, Date.now(), this.#sequence()),
      goodbye: (socket: Socket) => this.#goodbye(socket),
      uptimeMs: () => performance.now() - this.#started,
      originations: this.#originations,
      problem: (text: string) => this.problems.push(text),
    }
  }
}

class Listener {
  readonly #reader = new PacketReader()
  readonly #subscription = new Subscription('')
  readonly #shared: FakeInboundSwitch['shared']
  #authed = false
  #closed = false
  readonly #authTimer: NodeJS.Timeout
  #chain: Promise<void> = Promise.resolve()
  /** Events that came while an `api` command ran: the listener thread writes them after its reply. */
  #held: Buffer[] | undefined

  constructor(
    sw: FakeInboundSwitch,
    readonly socket: Socket,
  ) {
    this.#shared = sw.shared
    socket.write('Content-Type: auth/request\n\n')
    this.#authTimer = setTimeout(() => this.#close(), this.#shared.options.authTimeoutMs ?? 25_000)
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('close', () => {
      this.#closed = true
      clearTimeout(this.#authTimer)
    })
  }

  lists(name: string, subclass?: string): boolean {
    return !this.#closed && this.#subscription.enabled && this.#subscription.lists(name, subclass)
  }

  emit(event: FsEvent): void {
    if (this.#closed || !this.#subscription.accepts(event)) return
    const format = this.#subscription.format
    if (format === 'xml') return
    const frame = eventFrame(event, format)
    if (this.#held) this.#held.push(frame)
    else this.socket.write(frame)
  }

  #receive(chunk: Buffer): void {
    let packets: Packet[]
    try {
      packets = this.#reader.push(chunk)
    } catch (error) {
      if (error instanceof BadPacket) return this.#close()
      throw error
    }
    // One command at a time, as the listener thread reads them: a blocking `api` holds back the next.
    for (const packet of packets) this.#chain = this.#chain.then(() => this.#handle(packet))
  }

  async #handle(packet: Packet): Promise<void> {
    if (this.#closed) return
    this.#shared.record(packet.command)
    this.#inspect(packet)
    const reply = await this.#command(packet)
    if (reply === undefined || this.#closed) return
    this.socket.write(
      reply.startsWith('~')
        ? `Content-Type: command/reply\n${reply.slice(1)}`
        : `Content-Type: command/reply\nReply-Text: ${reply}\n\n`,
    )
    if (reply === '+OK bye' || reply === '-ERR invalid') this.#close()
  }

  /**
   * Notes what a careful client never sends (fixtures README, "Injection"): a header on `api`/`bgapi` other than
   * `job-uuid` is the rest of a command line cut by an LF; a command FreeSWITCH does not know is often the rest of
   * one cut by a blank line.
   */
  #inspect(packet: Packet): void {
    const cmd = packet.command.toLowerCase()
    if (cmd.startsWith('api ') || cmd.startsWith('bgapi ')) {
      for (const [name, value] of packet.headers)
        if (name.toLowerCase() !== 'job-uuid')
          this.#shared.problem(
            `"${packet.command}" went with a header line "${name}: ${value}" (an LF in the command?)`,
          )
    }
  }

  #close(): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#authTimer)
    this.#shared.goodbye(this.socket)
  }

  /** `parse_command` for an inbound listener, in its order of checks; undefined when the command wrote its own. */
  async #command(packet: Packet): Promise<string | undefined> {
    const line = packet.command
    const cmd = line.toLowerCase()
    if (cmd.startsWith('exit') || cmd.startsWith('...')) return '+OK bye'
    if (!this.#authed) {
      if (!cmd.startsWith('auth ')) return '-ERR command not found'
      if (line.slice(5) !== (this.#shared.options.password ?? 'ClueCon')) return '-ERR invalid'
      this.#authed = true
      clearTimeout(this.#authTimer)
      return '+OK accepted'
    }
    if (cmd.startsWith('filter ')) return this.#subscription.filter(line)
    if (cmd.startsWith('api ')) return this.#api(line.slice(4))
    if (cmd.startsWith('bgapi ')) return this.#bgapi(line.slice(6), packet)
    if (cmd.startsWith('event')) return this.#subscription.event(line)
    if (cmd.startsWith('nixevent')) return this.#subscription.nixevent(line)
    if (cmd.startsWith('noevents')) return this.#subscription.noevents()
    this.#shared.problem(`unknown command "${line}"`)
    return '-ERR command not found'
  }

  /** `api_exec` in the listener thread: nothing else is read or written until the command is done. */
  async #api(text: string): Promise<undefined> {
    const [command, arg] = split(text)
    this.#held = []
    const body = (await this.#run(command, arg)) || '-ERR no reply\n'
    const held = this.#held
    this.#held = undefined
    if (this.#closed) return undefined
    this.socket.write(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`)
    for (const frame of held) this.socket.write(frame)
    return undefined
  }

  #bgapi(text: string, packet: Packet): string {
    const [command, arg] = split(text)
    const job = header(packet, 'job-uuid') ?? this.#shared.newUuid()
    // The job runs in its own thread: its event follows the reply.
    setImmediate(async () => {
      const output = (await this.#run(command, arg)) || 'Command returned no output!'
      const headers: Header[] = [...this.#shared.prefix('BACKGROUND_JOB'), ['Job-UUID', job], ['Job-Command', command]]
      if (arg !== undefined) headers.push(['Job-Command-Arg', arg])
      this.emit({ name: 'BACKGROUND_JOB', headers, body: output })
    })
    return `~Reply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`
  }

  /** The API commands (mod_commands.c); an unknown one is `-ERR x Command not found!`. */
  #run(command: string, arg: string | undefined): string | Promise<string> {
    const o = this.#shared.options
    const originations = this.#shared.originations
    switch (command) {
      case 'originate':
        return originations.run(arg ?? '')
      case 'uuid_kill': {
        // `kill_function`: the uuid, then an optional cause (NORMAL_CLEARING by default).
        const [uuid = '', cause] = split(arg ?? '')
        if (!uuid) return '-USAGE: <uuid> [cause]\n'
        return originations.kill(uuid, causeName(cause)) ? '+OK\n' : '-ERR No such channel!\n'
      }
      case 'uuid_exists':
        return String(originations.exists((arg ?? '').trim()))
      case 'show':
        // Trace inbound_originate: `show channels count` is a blank line, then `N total.`.
        if (arg?.trim() === 'channels count') return `\n${originations.count} total.\n`
        return `-ERR ${command} Command not found!\n`
      case 'status':
        return statusText(this.#shared.uptimeMs(), o.version ?? '1.10.12-release', o.ready ?? true)
      case 'module_exists':
        // `switch_loadable_module_exists`: "true"/"false", no line break; nothing at all without an argument.
        if (!arg) return ''
        return (o.modules ?? []).includes(arg) ? 'true' : 'false'
      case 'xml_locate':
        return xmlLocate(arg, o.dialplan ?? {}, o.globals ?? {})
      // The replies below are verbatim from the fourth batch of traces (inbound_auth).
      case 'global_getvar':
        return o.globals?.[arg ?? ''] ?? ''
      case 'fsctl':
        if (arg?.trim() === 'sps') return `+OK sessions per second: ${o.sessionsPerSecond ?? 30}\n`
        return `-USAGE: ${FSCTL_USAGE.slice('fsctl '.length)}\n`
      case 'local_stream':
        return localStream(arg, o.localStreams ?? {})
      case 'file_exists':
        return (o.files ?? []).includes(arg ?? '') ? 'true' : 'false'
      case 'user_exists': {
        const [kind, id, domain] = (arg ?? '').split(' ')
        return kind === 'id' && o.users?.[`${id}@${domain}`] ? 'true' : 'false'
      }
      case 'vm_list':
        return vmList(arg, o.mailboxes ?? {})
      case 'vm_read':
        return vmRead(arg, o.mailboxes ?? {})
      case 'sofia_contact': {
        const user = o.users?.[arg ?? '']
        return user?.contact ?? 'error/user_not_registered'
      }
      default:
        return `-ERR ${command} Command not found!\n`
    }
  }
}

const FSCTL_USAGE =
  'fsctl [api_expansion [on|off]|recover|send_sighup|hupall|pause [inbound|outbound]|resume [inbound|outbound]|shutdown [cancel|elegant|asap|now|restart]|sps|sps_peak_reset|sync_clock|sync_clock_when_idle|reclaim_mem|max_sessions|min_dtmf_duration [num]|max_dtmf_duration [num]|default_dtmf_duration [num]|min_idle_cpu|loglevel [level]|debug_level [level]|mdns_resolve [enable|disable]]'

/** `local_stream show [NAME]` (mod_local_stream.c): a `name,path` line per stream, or one stream's block. */
function localStream(arg: string | undefined, streams: Record<string, string>): string {
  const [verb, name] = (arg ?? '').split(' ')
  if (verb !== 'show') return '-USAGE: <show|start|reload|stop|hup> <local_stream_name>\n'
  if (!name)
    return Object.entries(streams)
      .map(([n, path]) => `${n},${path}\n`)
      .join('')
  const path = streams[name]
  if (path === undefined) return `-ERR Cannot locate local_stream ${name}!\n`
  const rate = /\/(\d+)$/.exec(name)?.[1] ?? '8000'
  return (
    `${name}\n  location: ${path}\n  channels: 1\n  rate:     ${rate}\n  interval: 20\n  samples:  ${Number(rate) / 50}\n` +
    `  prebuf:   65536\n  timer:    soft\n  total:    0\n  shuffle:  false\n  ready:    true\n  stopped:  false\n` +
    `  reloading: false\n`
  )
}

/**
 * `vm_list BOX@DOMAIN[/PROFILE] [xml]` (trace inbound_vm): a line per message (`created:read:user:domain:folder:path:
 * uuid:cid_name:cid_number:len`) or the `<voicemail>` list, values not XML-escaped; a box with no messages (or none at
 * all) is empty text (`-ERR no reply` once mod_event_socket substitutes it) or an empty `<voicemail>` list.
 */
function vmList(arg: string | undefined, boxes: Record<string, VoicemailMessage[]>): string {
  const [id, format] = (arg ?? '').split(' ')
  if (!id) return 'Usage: <id>@<domain>[/profile] [xml]\n'
  const key = id.includes('/') ? id : `${id}/default`
  const [user, domain] = key.split('/')[0]!.split('@')
  const messages = boxes[key] ?? []
  if (format === 'xml') {
    const body = messages
      .map(
        (m) =>
          ` <message>\n  <created_epoch>${m.createdEpoch}</created_epoch>\n  <read_epoch>${m.readEpoch}</read_epoch>\n` +
          `  <username>${user}</username>\n  <domain>${domain}</domain>\n  <folder>inbox</folder>\n  <path>${m.path}</path>\n` +
          `  <uuid>${m.uuid}</uuid>\n  <cid-name>${m.cidName}</cid-name>\n  <cid-number>${m.cidNumber}</cid-number>\n` +
          `  <message-len>${m.length}</message-len>\n </message>\n`,
      )
      .join('')
    return `<voicemail>\n${body}</voicemail>\n`
  }
  return messages
    .map(
      (m) =>
        `${m.createdEpoch}:${m.readEpoch}:${user}:${domain}:inbox:${m.path}:${m.uuid}:${m.cidName}:${m.cidNumber}:${m.length}\n`,
    )
    .join('')
}

/** `vm_read BOX@DOMAIN/PROFILE read|unread UUID`: `+OK` whether or not the message exists (trace inbound_vm). */
function vmRead(arg: string | undefined, boxes: Record<string, VoicemailMessage[]>): string {
  const [id, how, uuid] = (arg ?? '').split(' ')
  if (!id || (how !== 'read' && how !== 'unread')) return "-ERR can't find user or profile.\n"
  const key = id.includes('/') ? id : `${id}/default`
  for (const m of boxes[key] ?? [])
    if (m.uuid === uuid) m.readEpoch = how === 'read' ? Math.floor(Date.now() / 1000) : 0
  return '+OK\n'
}

/** `api`/`bgapi` split the command from its argument at the first space. */
function split(text: string): [string, string | undefined] {
  const space = text.indexOf(' ')
  return space < 0 ? [text, undefined] : [text.slice(0, space), text.slice(space + 1)]
}

/** `status` (mod_commands.c `status_function`, 1.10). */
function statusText(uptimeMs: number, version: string, ready: boolean): string {
  const s = Math.floor(uptimeMs / 1000)
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  return (
    `UP ${plural(0, 'year')}, ${plural(0, 'day')}, ${plural(Math.floor(s / 3600), 'hour')}, ` +
    `${plural(Math.floor(s / 60) % 60, 'minute')}, ${plural(s % 60, 'second')}, ` +
    `${plural(Math.floor(uptimeMs) % 1000, 'millisecond')}, ${plural(0, 'microsecond')}\n` +
    `FreeSWITCH (Version ${version} 64bit) is ${ready ? 'ready' : 'not ready'}\n` +
    `0 session(s) since startup\n0 session(s) - peak 0, last 5min 0 \n` +
    `0 session(s) per Sec out of max 30, peak 0, last 5min 0 \n1000 session(s) max\n` +
    `min idle cpu 0.00/99.67\nCurrent Stack Size/Max 240K/8192K\n`
  )
}

/**
 * `xml_locate SECTION TAG ATTR VALUE` (mod_commands.c `xml_locate_function`): the element found, serialized by
 * `switch_xml_toxml` (only that element: its parent and siblings are detached while it is written), or
 * `can't find anything\n`; anything but 1 or 4 arguments is `-Error bad args\n`. Only `dialplan context name X`
 * is simulated.
 */
function xmlLocate(arg: string | undefined, dialplan: Record<string, string>, globals: Record<string, string>): string {
  const args = (arg ?? '').split(' ').filter(Boolean)
  if (args.length !== 4 && args.length !== 1) return '-Error bad args\n'
  const [section, tag, attr, value] = args
  const body = section === 'dialplan' && tag === 'context' && attr === 'name' ? dialplan[value ?? ''] : undefined
  if (body === undefined) return "can't find anything\n"
  const inner = body
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\/?include>/g, '')
    // X-PRE-PROCESS expands `$${var}` from the global variables when the configuration loads.
    .replace(/\$\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => globals[name] ?? '')
    .trim()
  return `<context name="${value}">\n${inner}\n</context>\n`
}

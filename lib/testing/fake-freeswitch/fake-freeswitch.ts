/**
 * A simulated FreeSWITCH: each `call()` connects to the router like the dialplan's
 * `socket 127.0.0.1:PORT async full` and plays one scripted call (see README.md).
 */
import { randomInt } from 'node:crypto'
import { FakeCall, type CallOptions, type EventObserver, type SwitchContext } from './call.js'
import type { Channel } from './channel.js'
import type { MediaLengths } from './media.js'
import { Phones, type PhoneBook } from './phones.js'
import { seeded, uuidFrom } from './prng.js'

export type FakeFreeSwitchOptions = {
  hostname?: string
  ipv4?: string
  ipv6?: string
  coreUuid?: string
  /** Seeds every call's ids and split writes (each call gets its own seed from it); random by default. */
  seed?: number
  /** Wall-clock start of every call, for event dates; the real time by default. */
  epochMs?: number
  media?: MediaLengths
  /** Virtual ms per real ms for media of known length; default Infinity (it takes no real time). */
  mediaSpeed?: number
  /** Virtual ms per real ms while the channel waits on the router or plays endless media; default 1. */
  idleSpeed?: number
  /** Paths that answer FILE NOT FOUND. */
  missingFiles?: (string | RegExp)[]
  /**
   * The directory users mod_voicemail finds (`voicemail PROFILE DOMAIN ID` looks ID up there); every id by default.
   * Any other box returns at once with the call up (trace voicemail_nobox).
   */
  voicemailBoxes?: string[]
  /** DTMF-Source of the caller's keys; default RTP (the traces' loopback calls show UNKNOWN). */
  dtmfSource?: string
  /** Agents' phones by dial target (phones.ts): they decide how legs towards them go, whatever a call's script says. */
  phones?: PhoneBook
}

export class FakeFreeSwitch {
  readonly seed: number
  /** The agents' phones (empty when none were given). */
  readonly phones: Phones
  readonly #context: SwitchContext
  readonly #observers = new Set<EventObserver>()
  #calls = 0

  constructor(options: FakeFreeSwitchOptions = {}) {
    this.seed = options.seed ?? randomInt(2 ** 31)
    const started = performance.now()
    let sequence = 0
    let sessions = 0
    this.phones = new Phones(options.phones ?? {})
    this.#context = {
      identity: {
        coreUuid: options.coreUuid ?? uuidFrom(seeded(this.seed)),
        hostname: options.hostname ?? 'vm',
        switchname: options.hostname ?? 'vm',
        ipv4: options.ipv4 ?? '192.0.2.2',
        ipv6: options.ipv6 ?? 'fd00::2',
      },
      media: options.media ?? {},
      mediaSpeed: options.mediaSpeed ?? Infinity,
      idleSpeed: options.idleSpeed ?? 1,
      missingFiles: options.missingFiles ?? [],
      ...(options.voicemailBoxes && { voicemailBoxes: options.voicemailBoxes }),
      dtmfSource: options.dtmfSource ?? 'RTP',
      ...(options.phones ? { phones: this.phones } : {}),
      ...(options.epochMs !== undefined && { epochMs: options.epochMs }),
      observer: {
        lists: (name, subclass) => [...this.#observers].some((o) => o.lists(name, subclass)),
        emit: (event) => this.#observers.forEach((o) => o.emit(event)),
      },
      nextSequence: () => ++sequence,
      nextSessionId: () => ++sessions,
      uptimeSeconds: () => Math.floor((performance.now() - started) / 1000),
    }
  }

  /** Places one call: connects at once and resolves `result` when the connection has closed. */
  call(options: CallOptions): FakeCall {
    return new FakeCall(this.#context, options, this.#nextSeed(options.seed))
  }

  #nextSeed(seed: number | undefined): number {
    return seed ?? Math.imul(this.seed ^ 0x9e3779b9, ++this.#calls) >>> 0
  }

  /**
   * @internal what the inbound socket (inbound.ts) shares with this switch: its phones, ids, clocks, the events of
   * every channel, and calls whose channel already exists (an originated leg running `socket`).
   */
  get shared() {
    return {
      context: this.#context,
      observe: (observer: EventObserver) => {
        this.#observers.add(observer)
        return () => void this.#observers.delete(observer)
      },
      callOn: (channel: Channel, options: CallOptions) =>
        new FakeCall(this.#context, options, this.#nextSeed(options.seed), channel),
    }
  }
}

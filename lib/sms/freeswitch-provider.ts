/**
 * The `freeswitch` provider: FreeSWITCH's `chat` API (mod_dptools `chat <proto>|<from>|<to>|<message>`) over an
 * inbound Event Socket connection, e.g. `chat sip|+827012345678|+821012345678@carrier.example.com|…`. The text is
 * outside input on its way into a FreeSWITCH command: controls (CR, LF, NUL) and `${` are stripped, and `|` (the
 * argument separator) becomes `¦`. FreeSWITCH answers `Sent`, or an error text, which fails the message.
 */
import { stripForFreeswitch } from '../esl/sanitize.js'
import type { OutgoingSms, SendResult, SmsProvider } from './provider.js'

/** One API command on an inbound connection; the reply text. Rejects when FreeSWITCH cannot be reached. */
export type ApiSender = {
  api(command: string): Promise<string>
  close?(): Promise<void>
}

export type ChatOptions = {
  /** The chat protocol (`sip` for mod_sofia's SIP MESSAGE). */
  proto: string
  /** The sender, e.g. the dialled number. */
  from: string
  /** `%s` stands for the destination number (E.164), e.g. `%s@carrier.example.com`. */
  to: string
}

/** A word of the chat argument list: what the operator configured, checked at start-up. */
export const CHAT_WORD = /^[A-Za-z0-9_.@%+:-]{1,128}$/

export function chatText(text: string): string {
  return stripForFreeswitch(text).replaceAll('|', '¦')
}

export class FreeswitchChatProvider implements SmsProvider {
  readonly name = 'freeswitch'

  constructor(
    private readonly sender: ApiSender,
    private readonly o: ChatOptions,
  ) {}

  async send(sms: OutgoingSms): Promise<SendResult> {
    const to = this.o.to.replace('%s', sms.to)
    if (!CHAT_WORD.test(to)) return { ok: false, retry: false, reason: `destination not usable in chat: ${sms.to}` }
    let reply: string
    try {
      reply = await this.sender.api(`chat ${this.o.proto}|${this.o.from}|${to}|${chatText(sms.text)}`)
    } catch (err) {
      return {
        ok: false,
        retry: true,
        reason: `FreeSWITCH unreachable: ${err instanceof Error ? err.message : String(err)}`,
      }
    }
    const text = reply.trim()
    return /^(\+OK\s*)?Sent\b/.test(text)
      ? { ok: true }
      : { ok: false, retry: false, reason: `chat: ${text || 'no reply'}` }
  }

  async close(): Promise<void> {
    await this.sender.close?.()
  }
}

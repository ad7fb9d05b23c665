/**
 * A connection to FreeSWITCH's inbound Event Socket (the doctor's checks, `serve`'s fallback-mailbox import), through
 * esl-lite's FreeSwitchClient (its intended use: a client that authenticates and runs `bgapi`). esl-lite never reports how `auth` went, an ACL
 * rejection or a refused connection to the caller: it retries for ever and says so only to its logger. So the
 * client gets a logger whose hook reads those lines (nothing is written) and the first of them settles the
 * connection: `+OK accepted`, `-ERR invalid` (wrong password), `text/rude-rejection` (the ACL), a socket error
 * (ECONNREFUSED…), or nothing within the timeout (not an Event Socket).
 *
 * Commands go as `bgapi`, whose result comes back as a BACKGROUND_JOB event: esl-lite treats an `api/response`
 * frame as unexpected and drops the connection.
 */
import { FreeSwitchClient } from 'esl-lite'
import pino from 'pino'

export type FreeSwitchTarget = { host: string; port: number; password: string; timeoutMs: number }

export type FreeSwitchConnection = {
  /**
   * The output of an API command (`status`, `module_exists mod_x`…), as FreeSWITCH wrote it; `timeoutMs` for a
   * command that takes long (an `originate` rings), the target's by default.
   */
  api(command: string, timeoutMs?: number): Promise<string>
  close(): void
}

/** Why no connection: a sentence and what to do about it. */
export class FreeSwitchUnavailable extends Error {
  override readonly name = 'FreeSwitchUnavailable' as const
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message)
  }
}

type Outcome = { ok: true } | { ok: false; error: FreeSwitchUnavailable }

/** What esl-lite's log lines say about the connection, or undefined when a line says nothing about it. */
function outcomeOf(args: unknown[], target: FreeSwitchTarget): Outcome | undefined {
  const [fields, message] = args as [Record<string, unknown> | undefined, unknown]
  const where = `${target.host}:${target.port}`
  if (message === 'Authenticated') {
    const res = fields?.['res'] as { headers?: { replyText?: string } } | undefined
    const reply = res?.headers?.replyText
    if (reply?.startsWith('+OK')) return { ok: true }
    return {
      ok: false,
      error: new FreeSwitchUnavailable(
        `FreeSWITCH at ${where} refused the password (${reply ?? 'no reply'})`,
        'use the password of autoload_configs/event_socket.conf.xml (--password or IVR_FREESWITCH_PASSWORD)',
      ),
    }
  }
  if (message === 'Socket failed') {
    const code = typeof fields?.['code'] === 'string' ? fields['code'] : undefined
    const error = fields?.['error'] instanceof Error ? fields['error'].message : String(fields?.['error'])
    return {
      ok: false,
      error: new FreeSwitchUnavailable(
        `cannot connect to FreeSWITCH at ${where}: ${code ?? error}`,
        'is FreeSWITCH running with mod_event_socket loaded, listening there (listen-ip, listen-port in event_socket.conf.xml)?',
      ),
    }
  }
  if (message === 'event' && (fields?.['ev'] as Error | undefined)?.name === 'FreeSwitchUnexpectedRudeRejection')
    return {
      ok: false,
      error: new FreeSwitchUnavailable(
        `FreeSWITCH at ${where} rejected this host (Access Denied)`,
        'add this address to the ACL named by apply-inbound-acl in event_socket.conf.xml',
      ),
    }
  return undefined
}

export async function connectFreeSwitch(target: FreeSwitchTarget): Promise<FreeSwitchConnection> {
  let settle: (outcome: Outcome) => void = () => {}
  const settled = new Promise<Outcome>((resolve) => (settle = resolve))
  const logger = pino({
    level: 'trace',
    hooks: {
      logMethod(args) {
        const outcome = outcomeOf(args, target)
        if (outcome) settle(outcome)
      },
    },
  })
  const client = new FreeSwitchClient({ host: target.host, port: target.port, password: target.password, logger })
  const timer = setTimeout(
    () =>
      settle({
        ok: false,
        error: new FreeSwitchUnavailable(
          `no Event Socket greeting (auth/request) from ${target.host}:${target.port} within ${target.timeoutMs} ms`,
          "point --freeswitch at FreeSWITCH's inbound Event Socket (event_socket.conf.xml, default port 8021)",
        ),
      }),
    target.timeoutMs,
  )
  const outcome = await settled
  clearTimeout(timer)
  if (!outcome.ok) {
    client.end()
    throw outcome.error
  }
  return {
    async api(command, timeoutMs = target.timeoutMs) {
      const result = await client.bgapi(command, timeoutMs)
      if (result instanceof Error) throw new Error(`bgapi ${command}: ${result.message}`, { cause: result })
      const response = result.body.response
      return typeof response === 'string' ? response : JSON.stringify(response)
    },
    close: () => client.end(),
  }
}

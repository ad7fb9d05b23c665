/**
 * The FreeSWITCH provider's connection: esl-lite's inbound client (it connects, authenticates and reconnects by
 * itself), each command as `bgapi` so a slow module never blocks the socket; the job's output is the reply text.
 */
import { FreeSwitchClient } from 'esl-lite'
import type { Logger } from 'pino'
import type { ApiSender } from './freeswitch-provider.js'

export type EslTarget = { host: string; port: number; password: string }

export function eslApiSender(target: EslTarget, log: Logger, timeoutMs: number): ApiSender {
  const client = new FreeSwitchClient({ host: target.host, port: target.port, password: target.password, logger: log })
  return {
    async api(command) {
      const result = await client.bgapi(command, timeoutMs)
      if (result instanceof Error) throw result
      const response = result.body.response
      return typeof response === 'string' ? response : JSON.stringify(response ?? '')
    },
    async close() {
      client.end()
    },
  }
}

/**
 * Stopping `serve` on SIGTERM: readiness turns 503 first, so a load balancer (or FreeSWITCH's
 * health check) stops sending calls; after `delayMs` the listener closes and live calls get
 * `drainMs` to finish before they are cut.
 */
import type { Logger } from 'pino'
import type { Health } from '../metrics/health.js'
import type { EslServer } from './esl-server.js'

export async function drainAndStop(options: {
  health: Health
  server: Pick<EslServer, 'stop' | 'stats'>
  delayMs: number
  drainMs: number
  log: Pick<Logger, 'info'>
  /** How the delay is waited (tests hold it open). */
  sleep?: (ms: number) => Promise<void>
}): Promise<void> {
  const { health, server, log } = options
  health.drain()
  log.info(
    { active: server.stats.active, delaySeconds: options.delayMs / 1000, drainSeconds: options.drainMs / 1000 },
    'stopping: not ready (503) from now, listener closes after the delay, then live calls drain',
  )
  if (options.delayMs > 0) await (options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(options.delayMs)
  await server.stop(options.drainMs)
}

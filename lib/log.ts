/** The router's logger: JSON lines (pino), or readable lines with --pretty. */
import { pino, type Logger } from 'pino'

export type LogOptions = { level?: string; pretty?: boolean }

export function createLogger(opts: LogOptions = {}): Logger {
  const level = opts.level ?? process.env.IVR_LOG_LEVEL ?? 'info'
  if (opts.pretty) return pino({ level, transport: { target: 'pino-pretty', options: { destination: 2 } } })
  return pino({ level }, pino.destination(2))
}

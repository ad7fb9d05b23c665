/**
 * The router's logger: JSON lines (pino), or readable lines with --pretty. With `redactNumbers`,
 * the fields that carry callers' and dialled numbers are masked but for their last 4 digits
 * (lib/phone/mask.ts); call records are written apart from the log and keep the whole numbers.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { maskNumber } from './phone/mask.js'

export type LogOptions = {
  level?: string
  pretty?: boolean
  redactNumbers?: boolean
  /** Where the lines go (tests); default stderr. */
  destination?: DestinationStream
}

/** Log fields that hold a phone number, at the top of a line or one level down. */
export const NUMBER_FIELDS = ['caller', 'dialed', 'to', 'from', 'number', 'destination', 'callerNumber']

export function createLogger(opts: LogOptions = {}): Logger {
  const options: LoggerOptions = { level: opts.level ?? process.env.IVR_LOG_LEVEL ?? 'info' }
  if (opts.redactNumbers)
    options.redact = {
      paths: NUMBER_FIELDS.flatMap((f) => [f, `*.${f}`]),
      censor: (value) => (typeof value === 'string' ? maskNumber(value) : value),
    }
  if (opts.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2 } } })
  return pino(options, opts.destination ?? pino.destination(2))
}

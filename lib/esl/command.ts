/**
 * The exact bytes of each command we send to FreeSWITCH on an outbound socket (reference/esl-protocol.md §4–5).
 *
 * FreeSWITCH ends a header at LF (CR is dropped), a command at a blank line, and a C string at NUL; it expands
 * `${…}` (API calls included) in application arguments, and `$${…}` contains that. So every builder refuses, with a
 * CommandError, a CR, LF or NUL anywhere and `${` in any argument, and names must be plain identifiers: no
 * text from outside can become FreeSWITCH syntax here. Outside text is cleaned before (sanitize.ts).
 */

export type CommandErrorReason = 'line-break' | 'expansion' | 'name' | 'value'

export class CommandError extends Error {
  override readonly name = 'CommandError' as const
  constructor(
    readonly reason: CommandErrorReason,
    readonly part: string,
  ) {
    super(`refused ${reason} in ${part}`)
  }
}

export type EventFormat = 'json' | 'plain'

const APP = /^[a-z_][a-z0-9_]*$/
const API = /^[a-z_][a-z0-9_]*$/
const EVENT_NAME = /^(?:[A-Z][A-Z0-9_]*|[A-Za-z0-9_]+(?:::[A-Za-z0-9_.-]+)+)$/
const UUID = /^[A-Za-z0-9][A-Za-z0-9-]*$/
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const CAUSE = /^[A-Z][A-Z0-9_]*$/

/** Any part: nothing that ends a header, a command or a C string. */
function text(part: string, value: string): string {
  if (/[\r\n\0]/.test(value)) throw new CommandError('line-break', part)
  return value
}

/** An argument FreeSWITCH may expand. */
function argument(part: string, value: string): string {
  if (text(part, value).includes('${')) throw new CommandError('expansion', part)
  return value
}

function named(part: string, value: string, pattern: RegExp): string {
  if (!pattern.test(text(part, value))) throw new CommandError('name', part)
  return value
}

const command = (...lines: string[]) => `${lines.join('\n')}\n\n`

export const connect = () => command('connect')

export const myevents = (format: EventFormat = 'json') => command(`myevents ${format}`)

/** `event json CHANNEL_EXECUTE_COMPLETE DTMF` or `event json CUSTOM vm::maintenance` (needs `full`). */
export function event(format: EventFormat, names: readonly string[]): string {
  if (names.length === 0) throw new CommandError('value', 'event names')
  return command(`event ${format} ${names.map((name) => named('event name', name, EVENT_NAME)).join(' ')}`)
}

/** Stops events of these names (needs `full`); with `myevents`, narrows this channel's events to what is read. */
export function nixevent(names: readonly string[]): string {
  if (names.length === 0) throw new CommandError('value', 'event names')
  return command(`nixevent ${names.map((name) => named('event name', name, EVENT_NAME)).join(' ')}`)
}

/** Without seconds: linger until we send `exit`. */
export function linger(seconds?: number): string {
  if (seconds === undefined) return command('linger')
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new CommandError('value', 'linger seconds')
  return command(`linger ${seconds}`)
}

export const nolinger = () => command('nolinger')

export const exit = () => command('exit')

/** `api <command> <args…>`; answered by an `api/response` frame, not a command/reply. */
export function api(name: string, ...args: readonly string[]): string {
  return command(
    ['api', named('api command', name, API), ...args.map((arg) => argument('api argument', arg))].join(' '),
  )
}

export type Execute = {
  app: string
  arg?: string
  /** Comes back as Application-UUID on CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE. */
  uuid: string
  /** Hold other queued messages until this application returns (no nested execute). */
  lock?: boolean
}

export function execute({ app, arg, uuid, lock }: Execute): string {
  return command(
    'sendmsg',
    'call-command: execute',
    `execute-app-name: ${named('app name', app, APP)}`,
    ...(arg === undefined ? [] : [`execute-app-arg: ${argument('app argument', arg)}`]),
    ...(lock ? ['event-lock: true'] : []),
    `Event-UUID: ${named('event uuid', uuid, UUID)}`,
  )
}

/** Hangs up at once: no CHANNEL_EXECUTE events, CHANNEL_HANGUP follows. */
export function hangup(cause = 'NORMAL_CLEARING'): string {
  return command('sendmsg', 'call-command: hangup', `hangup-cause: ${named('hangup cause', cause, CAUSE)}`)
}

/** Stores the value on the channel as it is: FreeSWITCH does not expand it here. */
export function uuidSetvar(uuid: string, variable: string, value: string): string {
  return api('uuid_setvar', named('uuid', uuid, UUID), named('variable', variable, VARIABLE), value)
}

/** Stops what the channel is playing, queued prompts included. */
export const uuidBreak = (uuid: string) => api('uuid_break', named('uuid', uuid, UUID), 'all')

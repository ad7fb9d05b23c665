/** Shorthands for the simulator's tests: one call against the stand-in router, commands, event summaries. */
import { randomUUID } from 'node:crypto'
import {
  FakeFreeSwitch,
  type CallOptions,
  type CallResult,
  type FakeFreeSwitchOptions,
} from '../../lib/testing/fake-freeswitch/index.js'
import { eventOf, get, isEvent, type EventData, type Frame } from './frames.js'
import { Router, type Connection } from './router.js'

export const router = await Router.start()

/** Places a call with `options`, lets `drive` play the router, and returns what the simulator recorded. */
export async function withCall(
  options: Partial<CallOptions> & { switch?: FakeFreeSwitchOptions },
  drive: (connection: Connection) => Promise<void>,
): Promise<{ result: CallResult; frames: Frame[] }> {
  const { switch: switchOptions, ...callOptions } = options
  const call = new FakeFreeSwitch({ seed: 7, ...switchOptions }).call({ port: router.port, ...callOptions })
  const connection = await router.accept()
  await drive(connection)
  if (!connection.socket.destroyed) connection.socket.end()
  const result = await call.result
  await connection.closed
  return { result, frames: connection.frames }
}

export function sendmsg(app: string, arg?: string, uuid: string = randomUUID(), extra = ''): string {
  const argLine = arg === undefined ? '' : `execute-app-arg: ${arg}\n`
  return `sendmsg\ncall-command: execute\nexecute-app-name: ${app}\n${argLine}event-uuid: ${uuid}\n${extra}\n`
}

const completes = (uuid: string) => (f: Frame) => {
  if (!isEvent(f)) return false
  const e = eventOf(f)
  return (
    (e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Application-UUID'] === uuid) ||
    e['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE'
  )
}

/** Runs an application and returns the events up to its EXECUTE_COMPLETE (or the end of the call). */
export async function exec(
  connection: Connection,
  app: string,
  arg?: string,
  o: { uuid?: string; headers?: string } = {},
): Promise<EventData[]> {
  const uuid = o.uuid ?? randomUUID()
  connection.send(sendmsg(app, arg, uuid, o.headers))
  const frames = await connection.until(completes(uuid))
  return frames.filter(isEvent).map(eventOf)
}

/** connect, myevents json, answer: the usual start. */
export async function start(connection: Connection, format = 'json'): Promise<void> {
  await connection.command('connect')
  await connection.command(`myevents ${format}`)
  await exec(connection, 'answer', undefined, { uuid: 'a0000000-0000-4000-8000-000000000001' })
}

/** One line per frame: the reply text, or the event name (with the application). */
export function summary(frames: Frame[]): string[] {
  return frames.map((f) => {
    const type = get(f, 'Content-Type') ?? ''
    if (type === 'command/reply') return get(f, 'Event-Name') ? 'CHANNEL_DATA' : `reply ${get(f, 'Reply-Text')}`
    if (type === 'api/response') return `api ${f.body.trim()}`
    if (type === 'text/disconnect-notice') return `disconnect-notice ${get(f, 'Content-Disposition')}`
    const e = eventOf(f)
    const app = e['Application'] ? ` ${e['Application']}` : e['Event-Subclass'] ? ` ${e['Event-Subclass']}` : ''
    return `${e['Event-Name']}${app}`
  })
}

export const variable = (e: EventData | undefined, name: string) => e?.[`variable_${name}`]

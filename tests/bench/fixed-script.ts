/**
 * The baselines' fixed command script: the commands the router sent on one standard call, in order, captured from
 * the simulator and replayed by the floor and the peer with this call's ids (a fresh Event-UUID per execute, the
 * channel's Unique-ID in api arguments).
 */
import { randomUUID } from 'node:crypto'

export type FixedScript = {
  /** The channel Unique-ID of the captured call, replaced by each call's own. */
  uuid: string
  /** Raw commands after `connect`, `exit` last. */
  commands: string[]
}

export type Step =
  | { kind: 'execute'; app: string; arg: string | undefined }
  | { kind: 'api'; command: string; args: string }
  /** A `sendmsg` other than execute (the hangup), with its headers. */
  | { kind: 'sendmsg'; headers: Record<string, string> }
  | { kind: 'command'; text: string }
  | { kind: 'exit' }

function headersOf(raw: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of raw.split('\n').slice(1)) {
    const colon = line.indexOf(': ')
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2)
  }
  return headers
}

/** The script's steps for the call whose Unique-ID is `uuid`. */
export function stepsFor(script: FixedScript, uuid: string): Step[] {
  return script.commands.map((raw): Step => {
    const first = raw.split('\n')[0]!
    if (first === 'exit') return { kind: 'exit' }
    if (first.startsWith('api ')) {
      const [command = '', ...rest] = first.slice(4).split(' ')
      return { kind: 'api', command, args: rest.join(' ').replaceAll(script.uuid, uuid) }
    }
    if (first === 'sendmsg') {
      const headers = headersOf(raw)
      if (headers['call-command'] === 'execute')
        return { kind: 'execute', app: headers['execute-app-name'] ?? '', arg: headers['execute-app-arg'] }
      return { kind: 'sendmsg', headers }
    }
    return { kind: 'command', text: first }
  })
}

/** A step as bytes on the wire, and the Event-UUID an execute waits for. */
export function wireOf(step: Step): { text: string; eventUuid?: string } {
  switch (step.kind) {
    case 'execute': {
      const eventUuid = randomUUID()
      const arg = step.arg === undefined ? '' : `execute-app-arg: ${step.arg}\n`
      const text = `sendmsg\ncall-command: execute\nexecute-app-name: ${step.app}\n${arg}Event-UUID: ${eventUuid}\n\n`
      return { text, eventUuid }
    }
    case 'api':
      return { text: `api ${step.command} ${step.args}\n\n` }
    case 'sendmsg':
      return {
        text: `sendmsg\n${Object.entries(step.headers)
          .map(([k, v]) => `${k}: ${v}\n`)
          .join('')}\n`,
      }
    case 'command':
      return { text: `${step.text}\n\n` }
    case 'exit':
      return { text: 'exit\n\n' }
  }
}

/**
 * The API commands the simulator answers (mod_commands.c), for `api`, `bgapi` and `${cmd(arg)}` expansion. Only
 * the simulated channel exists, and for `uuid_getvar` the legs its bridges created: any other uuid is
 * `-ERR No such channel!`. An unknown command is undefined, which
 * the callers turn into FreeSWITCH's `-ERR cmd Command not found!`.
 */
import { createHash } from 'node:crypto'
import { causeName } from './causes.js'
import { separateString } from './separate.js'
import type { Variables } from './variables.js'

export type ApiTarget = {
  uuid: string
  vars: Variables
  /** A variable as `switch_channel_get_variable` finds it (caller-profile fields included). */
  lookup(name: string): string | undefined
  /** The variables of a leg a bridge created, by its uuid. */
  legVars?: ReadonlyMap<string, Record<string, string>>
  uptimeSeconds(): number
  requestBreak(): void
  hangup(cause: string): void
}

/** Splits `uuid rest…` like `switch_separate_string(…, ' ', argv, n)`. */
function args(arg: string, count: number): string[] {
  const parts = arg.trim().split(' ')
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join(' ')].filter((p, i) => i < count - 1 || p)
}

export function runApi(command: string, arg: string, target: ApiTarget): string | undefined {
  const noChannel = '-ERR No such channel!\n'
  switch (command) {
    case 'uptime':
      return `${target.uptimeSeconds()}\n`
    case 'md5':
      return createHash('md5').update(arg).digest('hex')
    case 'uuid_exists':
      return String(arg.trim() === target.uuid)
    case 'uuid_getvar': {
      const [uuid, name] = args(arg, 2)
      if (!uuid || !name) return '-USAGE: <uuid> <var>\n'
      const leg = target.legVars?.get(uuid)
      if (leg) return leg[name] ?? '_undef_'
      if (uuid !== target.uuid) return noChannel
      return target.lookup(name) ?? '_undef_'
    }
    case 'uuid_setvar': {
      const [uuid, name, value] = args(arg, 3)
      if (!uuid || !name) return '-USAGE: <uuid> <var> [value]\n'
      if (uuid !== target.uuid) return noChannel
      target.vars.set(name, value)
      return '+OK\n'
    }
    case 'uuid_setvar_multi': {
      // `<uuid> <var>=<value>;<var>=<value>…`: split like switch_separate_string (`\;` escapes, quotes and outer
      // spaces dropped), values stored literally, a pair without `=` unsets (mod_commands.c).
      const space = arg.indexOf(' ')
      const usage = '-USAGE: <uuid> <var>=<value>;<var>=<value>...\n'
      if (space < 0) return usage
      if (arg.slice(0, space) !== target.uuid) return noChannel + usage
      let out = ''
      let set = 0
      for (const pair of separateString(arg.slice(space + 1), ';', 64)) {
        const eq = pair.indexOf('=')
        const name = eq < 0 ? pair : pair.slice(0, eq)
        if (!name) out += '-ERR No variable specified\n'
        else {
          target.vars.set(name, eq < 0 ? undefined : pair.slice(eq + 1))
          set++
        }
      }
      return out + (set ? '+OK\n' : usage)
    }
    case 'uuid_break': {
      const [uuid] = args(arg, 2)
      if (!uuid) return '-USAGE: <uuid> [all]\n'
      if (uuid !== target.uuid) return noChannel
      target.requestBreak()
      return '+OK\n'
    }
    case 'uuid_kill': {
      const [uuid, cause] = args(arg, 2)
      if (!uuid) return '-USAGE: <uuid> [cause]\n'
      if (uuid !== target.uuid) return noChannel
      target.hangup(causeName(cause))
      return '+OK\n'
    }
    default:
      return undefined
  }
}

/**
 * The argument of the `originate` API (mod_commands.c `originate_function`): `<call url> <exten>|&<app>(<args>)
 * [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]`, split at spaces by `switch_separate_string`
 * (single quotes group words and are dropped: `'&socket(127.0.0.1:8099 async full)'`), `undef` for a missing word.
 * The call url's `{var=value,…}` block is split like `switch_event_create_brackets` does it: at commas outside
 * quotes, `\,` kept as a comma, quotes dropped.
 */
import { separateString } from './separate.js'

export const ORIGINATE_USAGE =
  '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n'

export type OriginateArgs = {
  /** The `{…}` variables, in the order given. */
  vars: [string, string][]
  /** The dial target after the variables (`loopback/1000/default`, `user/1000@pbx`). */
  target: string
  /** `&app(args)`, or undefined when the channel is sent to the dialplan extension `exten`. */
  app: { name: string; args: string } | undefined
  exten: string
  /** Seconds the originate rings: the 7th word, else 60 (`originate_timeout` in the variables overrides it). */
  timeoutSec: number
  cidName: string | undefined
  cidNum: string | undefined
}

/** The index of the `}` closing the `{` at 0, skipping quoted text and nested braces (`switch_find_end_paren`). */
function closingBrace(text: string): number {
  let depth = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\\') i++
    else if (ch === "'") quoted = !quoted
    else if (!quoted && ch === '{') depth++
    else if (!quoted && ch === '}' && --depth === 0) return i
  }
  return -1
}

/** Parses the argument; a usage error is returned as the text FreeSWITCH answers. */
export function parseOriginate(arg: string): OriginateArgs | string {
  if (!arg.trim()) return ORIGINATE_USAGE
  const argv = separateString(arg, ' ', 10).map((word) => (word.toLowerCase() === 'undef' ? undefined : word))
  if (argv.length < 2 || argv.length > 7) return ORIGINATE_USAGE
  const [url = '', exten = '', , , cidName, cidNum, timeout] = argv
  const vars: [string, string][] = []
  let target = url
  if (url.startsWith('{')) {
    const end = closingBrace(url)
    if (end > 0) {
      for (const pair of separateString(url.slice(1, end), ',')) {
        const eq = pair.indexOf('=')
        if (eq > 0) vars.push([pair.slice(0, eq), pair.slice(eq + 1)])
      }
      target = url.slice(end + 1)
    }
  }
  let app: OriginateArgs['app']
  if (exten.startsWith('&') && exten.length > 1) {
    // `app_name` up to `(`, its argument up to the first `)`: `&socket(h:p async full)`, `&park()`.
    const body = exten.slice(1)
    const close = body.indexOf(')')
    const cut = close < 0 ? body : body.slice(0, close)
    const open = cut.indexOf('(')
    app = open < 0 ? { name: cut, args: '' } : { name: cut.slice(0, open), args: cut.slice(open + 1) }
  }
  return {
    vars,
    target,
    app,
    exten,
    timeoutSec: timeout !== undefined ? parseInt(timeout, 10) || 0 : 60,
    cidName,
    cidNum,
  }
}

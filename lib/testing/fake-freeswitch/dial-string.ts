/**
 * A `bridge` dial string: `{var=value,…}` for every leg, legs separated by `,` (rung together) and groups by `|`
 * (tried one after another), each leg optionally preceded by `[var=value,…]` of its own; `\,` escapes a comma
 * inside a value. Also what each target looks like as a channel, after the endpoints of the traces.
 */
export type Leg = { target: string; vars: Record<string, string> }
export type DialString = { vars: Record<string, string>; groups: Leg[][] }

/** Splits on `separator` outside `{}`, `[]` and `<>`, honouring `\` escapes. */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i]
      continue
    }
    if ('{[<'.includes(ch)) depth++
    else if ('}]>'.includes(ch)) depth = Math.max(0, depth - 1)
    if (ch === separator && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}

function parseVars(text: string, into: Record<string, string>): void {
  for (const pair of splitTop(text, ',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) into[pair.slice(0, eq).trim()] = pair.slice(eq + 1).replace(/\\,/g, ',')
  }
}

/** Strips leading `open…close` blocks, adding their variables to `into`. */
function takeBlocks(text: string, open: string, close: string, into: Record<string, string>): string {
  let rest = text.trim()
  while (rest.startsWith(open)) {
    const end = rest.indexOf(close)
    if (end < 0) break
    parseVars(rest.slice(1, end), into)
    rest = rest.slice(end + 1).trim()
  }
  return rest
}

export function parseDialString(text: string): DialString {
  const vars: Record<string, string> = {}
  const rest = takeBlocks(text, '{', '}', vars)
  const groups = splitTop(rest, '|')
    .map((group) =>
      splitTop(group, ',')
        .map((leg) => {
          const legVars: Record<string, string> = {}
          const target = takeBlocks(takeBlocks(leg, '[', ']', legVars), '{', '}', legVars)
          return { target, vars: legVars }
        })
        .filter((leg) => leg.target),
    )
    .filter((group) => group.length)
  return { vars, groups }
}

export type Endpoint = {
  /** `error/<cause>` fails at once with that cause, and no channel is created. */
  errorCause?: string
  /** `user/…` reaches a registered SIP user: unreachable means USER_NOT_REGISTERED, also without a channel. */
  user: boolean
  channelName: string
  destination: string
  source: string
  context: string
  /** The SIP peer's address, which FreeSWITCH reports for sofia legs. */
  networkAddr?: string
}

export function endpoint(target: string): Endpoint {
  const [kind = '', ...path] = target.split('/')
  const lower = kind.toLowerCase()
  if (lower === 'error') {
    return {
      errorCause: (path[0] ?? '').toUpperCase(),
      user: false,
      channelName: target,
      destination: '',
      source: '',
      context: '',
    }
  }
  if (lower === 'user') {
    const address = path.join('/')
    const destination = address.split('@')[0] ?? address
    return {
      user: true,
      channelName: `sofia/internal/${address}`,
      destination,
      source: 'mod_sofia',
      context: 'default',
    }
  }
  if (lower === 'loopback') {
    const destination = path[0] ?? ''
    return {
      user: false,
      channelName: `loopback/${destination}-a`,
      destination,
      source: 'mod_loopback',
      context: path[1] ?? 'default',
    }
  }
  const last = (path[path.length - 1] ?? target).replace(/^sips?:/, '')
  const [destination = last, host] = last.split('@')
  const channelName = `${kind}/${path.join('/').replace(/sips?:/, '')}`
  if (lower !== 'sofia') return { user: false, channelName, destination, source: `mod_${lower}`, context: 'default' }
  const sofia: Endpoint = { user: false, channelName, destination, source: 'mod_sofia', context: 'default' }
  if (host) sofia.networkAddr = host.split(':')[0]!
  return sofia
}

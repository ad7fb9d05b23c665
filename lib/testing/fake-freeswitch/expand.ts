/**
 * `${…}` expansion as `switch_channel_expand_variables_check` (switch_channel.c) does it: `${name}` reads a
 * channel variable (recursively expanded, with `${name:offset:length}` and `${name[index]}`), and `${cmd(arg)}`
 * or `${cmd arg}` runs the API command `cmd`; `\$` gives a literal `$`, `\\` a backslash, `\'` nothing.
 * FreeSWITCH applies it to every application argument, and `set` applies it once more to the value.
 */
export type ExpandHost = {
  /** A variable (or caller-profile field, or global) by name; arrays already resolved by `index` (-1: whole). */
  lookup(name: string, index: number): string | undefined
  /** Runs an API command; undefined when FreeSWITCH would not know it. */
  api(command: string, arg: string): string | undefined
}

/** `switch_string_var_check_const`: a `$` followed (past backslashes) by `{`. */
function hasReference(s: string): boolean {
  let dollar = false
  for (const ch of s) {
    if (ch === '$') dollar = true
    else if (dollar) {
      if (ch === '{') return true
      if (ch !== '\\') dollar = false
    }
  }
  return false
}

const hasEscapes = (s: string) => /\\[\\nst']/.test(s)

/** The text between `${` at `from` and its matching `}`, and the index after the `}`. */
function braced(s: string, from: number): [inner: string, after: number] {
  let depth = 1
  for (let e = from; e < s.length; e++) {
    if (depth === 1 && s[e] === '}') return [s.slice(from, e), e + 1]
    if (e !== from && s[e] === '{') depth++
    else if (depth > 1 && s[e] === '}') depth--
  }
  return [s.slice(from), s.length]
}

function substring(value: string, spec: string | undefined): string {
  if (spec === undefined) return value
  const [offsetText, lengthText] = spec.split(':')
  const offset = parseInt(offsetText ?? '', 10) || 0
  const length = parseInt(lengthText ?? '', 10) || 0
  let out = value
  if (offset >= 0) out = offset > out.length ? '' : out.slice(offset)
  else if (-offset <= out.length) out = out.slice(out.length + offset)
  if (length > 0 && length < out.length) out = out.slice(0, length)
  return out
}

function reference(inner: string, host: ExpandHost, depth: number): string {
  const split = inner.search(/[ (]/)
  if (split >= 0) {
    const command = inner.slice(0, split).replace(/ +$/, '')
    let arg = inner.slice(split + 1)
    if (inner[split] === '(') {
      let level = 1
      let k = 0
      for (; k < arg.length; k++) {
        if (arg[k] === '(') level++
        else if (level > 1 && arg[k] === ')') level--
        else if (level === 1 && arg[k] === ')') break
      }
      arg = arg.slice(0, k)
    }
    return host.api(expandVariables(command, host, depth + 1), expandVariables(arg, host, depth + 1)) ?? ''
  }
  let name = expandVariables(inner, host, depth + 1)
  let spec: string | undefined
  const colon = name.indexOf(':')
  if (colon >= 0) {
    spec = name.slice(colon + 1)
    name = name.slice(0, colon)
  }
  let index = -1
  const bracket = name.indexOf('[')
  if (bracket >= 0 && name.indexOf(']', bracket) > 0) {
    index = parseInt(name.slice(bracket + 1), 10) || 0
    name = name.slice(0, bracket)
  }
  const value = host.lookup(name, index)
  return value === undefined ? '' : substring(expandVariables(value, host, depth + 1), spec)
}

export function expandVariables(input: string, host: ExpandHost, depth = 0): string {
  if (depth > 100 || !input || !(hasReference(input) || hasEscapes(input))) return input
  let out = ''
  for (let p = 0; p < input.length; p++) {
    let literal = false
    if (input[p] === '\\') {
      const next = input[p + 1]
      if (next === '$') {
        literal = true
        p++
        if (input[p + 1] === '$') p++
      } else if (next === "'") {
        p++
        continue
      } else if (next === '\\') {
        out += '\\'
        p++
        continue
      }
    }
    if (literal || input[p] !== '$') {
      out += input[p]
      continue
    }
    // `$${name}` is the same lookup at run time (globals are found through the variable fallback); a `$$` not
    // followed by `{` keeps one `$`, as in the C loop.
    if (input[p + 1] === '$') p++
    if (input[p + 1] !== '{') {
      out += input[p]
      continue
    }
    const [inner, after] = braced(input, p + 2)
    out += reference(inner, host, depth)
    p = after
    if (p < input.length) {
      if (input[p] === '$') p--
      else out += input[p]
    }
  }
  return out
}

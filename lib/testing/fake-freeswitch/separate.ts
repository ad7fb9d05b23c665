/**
 * `switch_separate_string` (switch_utils.c) as applications split their arguments: on a delimiter outside single
 * quotes (a quote counts only when another one follows), at most `max` parts (the last keeps the rest); then each
 * part loses its leading and trailing spaces and its quotes, and `\s \n \r \t \\ \' \"` and an escaped delimiter
 * are unescaped while any other backslash stays (`\d+` reaches the regular expression intact).
 */
const UNESCAPE: Record<string, string> = { n: '\n', r: '\r', t: '\t', s: ' ' }

function cleanup(part: string, delimiter: string): string {
  let i = 0
  while (part[i] === ' ') i++
  let out = ''
  let end = 0
  let quoted = false
  for (; i < part.length; i++) {
    const ch = part[i]!
    const next = part[i + 1]
    if (ch === '\\' && next !== undefined) {
      const plain = next === "'" || next === '"' || next === delimiter || next === '\\'
      const mapped = UNESCAPE[next]
      if (plain || mapped !== undefined) {
        out += plain ? next : mapped
        end = out.length
        i++
        continue
      }
    }
    if (ch === "'" && (quoted || part.indexOf("'", i + 1) >= 0)) {
      quoted = !quoted
      if (quoted) end = out.length
    } else {
      out += ch
      if (ch !== ' ' || quoted) end = out.length
    }
  }
  return out.slice(0, end)
}

export function separateString(input: string, delimiter: string, max = Infinity): string[] {
  const parts: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < input.length && parts.length < max - 1; i++) {
    const ch = input[i]
    if (ch === '\\') i++
    else if (ch === "'" && (quoted || input.indexOf("'", i + 1) >= 0)) quoted = !quoted
    else if (ch === delimiter && !quoted) {
      parts.push(input.slice(start, i))
      start = i + 1
    }
  }
  if (start < input.length) parts.push(input.slice(start))
  return parts.map((part) => cleanup(part, delimiter))
}

/** C `atoi`: leading digits (with a sign), 0 when there are none. */
export const atoi = (text: string | undefined): number => parseInt(text ?? '', 10) || 0

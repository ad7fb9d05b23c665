/**
 * Placeholders in SMS texts, `say` prompts and `http` requests: `{{caller}}`, `{{dialed}}`, `{{team}}`,
 * `{{fields.NAME}}` and `{{data.NAME.path.to.value}}` (the response of the `http` action named NAME), each with
 * an optional format (`{{data.crm.time | time}}`, `| date:en`; formats.ts) and optional spaces inside the braces.
 * Filling is plain substitution, never evaluation: a value is inserted as is and is not scanned again, so a
 * caller's input or a response value cannot smuggle in another placeholder.
 */
import { FORMATS, formatValue, type Format, type FormatName, type Language } from './formats.js'

export type Placeholder = { text: string; format?: Format } & (
  | { kind: 'caller' | 'dialed' | 'team' }
  | { kind: 'field'; name: string }
  /** `path[0]` is the request's name. */
  | { kind: 'data'; path: string[] }
)

/** `text` is the placeholder as written (`{{ fields.x }}`), for messages. */
export type ParsedPlaceholders = { known: Placeholder[]; unknown: string[] }

export type PlaceholderValues = {
  caller?: string
  dialed?: string
  team?: string
  fields?: Readonly<Record<string, string>>
  /** The responses of the call's `http` actions by name. */
  data?: Readonly<Record<string, unknown>>
}

export type FillOptions = {
  /** Applied to each value after formatting (URL encoding in a URL). */
  encode?: (value: string) => string
  /** The language of formats that name none. Default Korean. */
  lang?: Language
  /** Now (ms), for dates: the year is said only when it is not this one. */
  now?: number
}

const ANY = /\{\{([^{}]*)\}\}/g
const KNOWN = new RegExp(
  String.raw`^\s*(?:(caller|dialed|team)|fields\.([A-Za-z0-9_-]+)|data\.([a-z0-9][a-z0-9-]*(?:\.[A-Za-z0-9_-]+)*))\s*` +
    String.raw`(?:\|\s*(${FORMATS.join('|')})(?::(ko|en))?\s*)?$`,
)
/** A response value longer than this is cut: it is read to a caller or written into a request. */
const MAX_DATA_VALUE = 200

export const PLACEHOLDER_HELP = `use {{caller}}, {{dialed}}, {{team}}, {{fields.NAME}} or {{data.NAME.PATH}}, optionally with | ${FORMATS.join(', ')} (:ko or :en)`

function classify(text: string, inner: string): Placeholder | undefined {
  const m = KNOWN.exec(inner)
  if (!m) return undefined
  const format = m[4] ? { format: { name: m[4] as FormatName, ...(m[5] ? { lang: m[5] as Language } : {}) } } : {}
  if (m[1] === 'caller' || m[1] === 'dialed' || m[1] === 'team') return { kind: m[1], text, ...format }
  if (m[2] !== undefined) return { kind: 'field', name: m[2], text, ...format }
  return { kind: 'data', path: m[3]!.split('.'), text, ...format }
}

/** Every `{{…}}` in the text, split into the placeholders we fill and the ones we do not know. */
export function parsePlaceholders(text: string): ParsedPlaceholders {
  const known: Placeholder[] = []
  const unknown: string[] = []
  for (const m of text.matchAll(ANY)) {
    const p = classify(m[0], m[1]!)
    if (p) known.push(p)
    else unknown.push(m[0])
  }
  return { known, unknown }
}

/**
 * The value at `path` in a response: own properties and array indices only; text, numbers and true/false as text;
 * anything else (absent, null, an object) undefined.
 */
export function dataValue(
  data: Readonly<Record<string, unknown>> | undefined,
  path: readonly string[],
): string | undefined {
  let v: unknown = data
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined
    v = (v as Record<string, unknown>)[key]
  }
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v === 'boolean') return String(v)
  return undefined
}

/**
 * Outside text made harmless wherever it is written (a prompt, an SMS, a request): control characters become
 * spaces and `${` goes (FreeSWITCH would expand it), cut to MAX_DATA_VALUE characters.
 */
export function harmless(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, ' ')
      // Removing a whole run of `$` before `{` cannot join two characters into a new `${`.
      .replace(/\$+\{/g, '')
      .slice(0, MAX_DATA_VALUE)
  )
}

function raw(p: Placeholder, values: PlaceholderValues): string {
  if (p.kind === 'field') {
    // Own keys only: a field named "constructor" must not reach Object.prototype.
    const fields = values.fields ?? {}
    return Object.hasOwn(fields, p.name) ? (fields[p.name] ?? '') : ''
  }
  if (p.kind === 'data') return harmless(dataValue(values.data, p.path) ?? '')
  return values[p.kind] ?? ''
}

/** Fills the known placeholders; a missing value becomes empty, an unknown placeholder stays as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues, options: FillOptions = {}): string {
  return text.replace(ANY, (whole: string, inner: string) => {
    const p = classify(whole, inner)
    if (!p) return whole
    const value = raw(p, values)
    const formatted = p.format && value !== '' ? formatValue(value, p.format, options.lang ?? 'ko', options.now) : value
    return options.encode ? options.encode(formatted) : formatted
  })
}

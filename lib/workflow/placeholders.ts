/**
 * SMS text placeholders: `{{caller}}`, `{{dialed}}`, `{{team}}` and `{{fields.NAME}}`, with optional
 * spaces inside the braces. Filling is plain substitution, never evaluation: a value is inserted
 * as is and is not scanned again, so a caller's input cannot smuggle in another placeholder.
 */

export type Placeholder =
  { kind: 'caller' | 'dialed' | 'team'; text: string } | { kind: 'field'; name: string; text: string }

/** `text` is the placeholder as written (`{{ fields.x }}`), for messages. */
export type ParsedPlaceholders = { known: Placeholder[]; unknown: string[] }

export type PlaceholderValues = {
  caller?: string
  dialed?: string
  team?: string
  fields?: Readonly<Record<string, string>>
}

const ANY = /\{\{([^{}]*)\}\}/g
const KNOWN = /^\s*(?:(caller|dialed|team)|fields\.([A-Za-z0-9_-]+))\s*$/

function classify(text: string, inner: string): Placeholder | undefined {
  const m = KNOWN.exec(inner)
  if (!m) return undefined
  if (m[1] === 'caller' || m[1] === 'dialed' || m[1] === 'team') return { kind: m[1], text }
  return { kind: 'field', name: m[2]!, text }
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

/** Fills the known placeholders; a missing value becomes empty, an unknown placeholder stays as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(ANY, (whole: string, inner: string) => {
    const p = classify(whole, inner)
    if (!p) return whole
    if (p.kind !== 'field') return values[p.kind] ?? ''
    // Own keys only: a field named "constructor" must not reach Object.prototype.
    const fields = values.fields ?? {}
    return Object.hasOwn(fields, p.name) ? (fields[p.name] ?? '') : ''
  })
}

/**
 * The inputs worth trying when enumerating a workflow's paths (paths.ts): instants at which each
 * schedule a branch looks at is open and closed, callers and dialled numbers that match and miss
 * the conditions written, and digits for a form that satisfy or violate its length, pattern and
 * the field conditions that read it. Candidates need not be right: every one is run through the
 * engine, which decides; candidates that change nothing add no path.
 */
import { DateTime } from 'luxon'
import { isOpen, nextChange } from '../schedule/open.js'
import type { CollectAction, Condition, Matcher, Workflow } from '../workflow/schema.js'
import type { Directory } from '../workflow/directory.js'

function conditionsOf(workflows: readonly Workflow[]): Condition[] {
  const out: Condition[] = []
  const visit = (c: Condition) => {
    out.push(c)
    if ('all' in c) c.all.forEach(visit)
    else if ('any' in c) c.any.forEach(visit)
    else if ('not' in c) visit(c.not)
  }
  for (const w of workflows)
    for (const actions of Object.values(w.steps))
      for (const a of actions) if ('branch' in a) for (const b of a.branch) if (b.if) visit(b.if)
  return out
}

export type Instant = { at: number; text: string }

/** `at`, and for each schedule a branch reads, the first instant after it when that schedule is the other way. */
export function instants(workflows: readonly Workflow[], directory: Directory, at: number): Instant[] {
  const names = new Set<string>()
  for (const c of conditionsOf(workflows)) if ('open' in c || 'closed' in c) names.add('open' in c ? c.open : c.closed)
  const schedules = directory.schedules.filter((s) => names.has(s.name))
  const zone = schedules[0]?.timezone ?? 'UTC'
  const text = (ms: number) =>
    DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true, includeOffset: true }) ?? ''
  const out = new Map<number, Instant>([[at, { at, text: text(at) }]])
  for (const s of schedules) {
    const change = nextChange(s, at)
    if (change !== undefined && isOpen(s, change) !== isOpen(s, at)) out.set(change, { at: change, text: text(change) })
  }
  return [...out.values()]
}

/** A number that meets a matcher, and one that does not, as written in the workflow (the engine normalises). */
function numbersFor(m: Matcher): string[] {
  const out: string[] = []
  if (m.equals !== undefined) out.push(m.equals)
  if (m.in !== undefined) out.push(...m.in)
  if (m.prefix !== undefined) out.push(`${m.prefix}${'12345678'.slice(0, Math.max(4, 12 - m.prefix.length))}`)
  if (m.exists === false) out.push('')
  return out
}

/** Callers and dialled numbers to try: the default first, then those the conditions name, then two that match none. */
export function numbers(
  workflows: readonly Workflow[],
  directory: Directory,
  which: 'caller' | 'dialed',
  fallback: string,
): string[] {
  const found: string[] = []
  for (const c of conditionsOf(workflows)) {
    if (which === 'caller' && 'caller' in c) found.push(...numbersFor(c.caller))
    if (which === 'dialed' && 'dialed' in c) found.push(...numbersFor(c.dialed))
    if (which === 'caller' && 'contact' in c) {
      const contact = c.contact
      const matching = directory.contacts.filter((k) =>
        'tag' in contact ? k.tags.includes(contact.tag) : k.attributes[contact.attr] !== undefined,
      )
      found.push(...matching.map((k) => k.number), ...directory.contacts.map((k) => k.number))
    }
  }
  if (found.length === 0) return [fallback]
  return [...new Set([fallback, ...found, '+12025550123', '02-2123-4567'])]
}

/** The shortest string a simple pattern (digits, `\d`, classes, groups, `|`, quantifiers) matches; undefined for others. */
export function patternSample(pattern: string): string | undefined {
  let i = 0
  const sequence = (): string | undefined => {
    let out = ''
    while (i < pattern.length && pattern[i] !== ')' && pattern[i] !== '|') {
      const atom = single()
      if (atom === undefined) return undefined
      const times = quantifier()
      if (times === undefined) return undefined
      out += atom.repeat(times)
    }
    return out
  }
  const alternatives = (): string | undefined => {
    const first = sequence()
    while (pattern[i] === '|') {
      i++
      if (sequence() === undefined) return undefined
    }
    return first
  }
  const single = (): string | undefined => {
    const c = pattern[i++]
    if (c === undefined) return undefined
    if (c === '\\') return pattern[i++] === 'd' ? '0' : undefined
    if (c === '[') {
      const end = pattern.indexOf(']', i)
      if (end < 0 || pattern[i] === '^') return undefined
      const chosen = pattern.slice(i, end).match(/[0-9*#]/)?.[0]
      i = end + 1
      return chosen
    }
    if (c === '(') {
      if (pattern.startsWith('?:', i)) i += 2
      const inner = alternatives()
      return pattern[i++] === ')' ? inner : undefined
    }
    return /[0-9*#]/.test(c) ? c : undefined
  }
  const quantifier = (): number | undefined => {
    const c = pattern[i]
    if (c === '?' || c === '*') return (i++, 0)
    if (c === '+') return (i++, 1)
    if (c !== '{') return 1
    const m = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(i))
    if (!m) return undefined
    i += m[0].length
    return Number(m[1])
  }
  const sample = alternatives()
  if (sample === undefined || i !== pattern.length) return undefined
  return new RegExp(`^(?:${pattern})$`).test(sample) ? sample : undefined
}

function ofLength(base: string, n: number): string {
  return n <= base.length ? base.slice(0, n) : base + '1'.repeat(n - base.length)
}

/**
 * Inputs for one form, in `--keys` syntax: a valid one first, then those the field conditions on
 * it suggest (values, prefixes, lengths on either side of a bound), then no input at all.
 */
export function formInputs(c: CollectAction, workflows: readonly Workflow[]): string[] {
  const base = (c.pattern !== undefined ? patternSample(c.pattern) : undefined) ?? '1'.repeat(c.minDigits)
  const digits: string[] = [base]
  for (const cond of conditionsOf(workflows)) {
    if (!('field' in cond) || cond.field.name !== c.field) continue
    const m = cond.field
    if (m.equals !== undefined) digits.push(m.equals)
    if (m.in !== undefined) digits.push(...m.in)
    if (m.prefix !== undefined) digits.push(m.prefix + base.slice(m.prefix.length))
    for (const n of [m.minLength, m.maxLength])
      if (n !== undefined && n > 0) digits.push(ofLength(base, n - 1), ofLength(base, n), ofLength(base, n + 1))
    for (const n of [m.gt, m.lt])
      if (n !== undefined) for (const x of [n - 1, n, n + 1]) if (Number.isInteger(x) && x >= 0) digits.push(String(x))
  }
  const end = (d: string) => (c.endKey !== 'none' && d.length < c.maxDigits ? `${d}${c.endKey}` : d)
  const keys = digits.filter((d) => /^[0-9*#]{1,64}$/.test(d)).map(end)
  return [...new Set([...keys, ''])]
}

/** Values meeting and missing a matcher, for a response field (undefined: the field left out). */
function valuesFor(m: Matcher): (string | number | undefined)[] {
  const out: (string | number | undefined)[] = []
  if (m.equals !== undefined) out.push(m.equals)
  if (m.in !== undefined) out.push(...m.in)
  if (m.prefix !== undefined) out.push(`${m.prefix}1`)
  if (m.gt !== undefined) out.push(m.gt + 1, m.gt)
  if (m.lt !== undefined) out.push(m.lt - 1, m.lt)
  if (m.exists !== undefined) out.push('x')
  if (m.minLength !== undefined) out.push('x'.repeat(m.minLength))
  if (m.maxLength !== undefined) out.push('x'.repeat(m.maxLength + 1))
  return out
}

/**
 * Responses to try for the http action `name`, in `--http` syntax: for each value a `data` condition on it names,
 * a response holding that value alone (the others absent), then an empty object, then `error` (a timeout and a
 * refusal take the same branches as an error).
 */
export function responsesFor(workflows: readonly Workflow[]): (name: string) => string[] {
  return (name) => {
    const out: string[] = []
    for (const c of conditionsOf(workflows)) {
      if (!('data' in c)) continue
      const [first, ...keys] = c.data.path.split('.')
      if (first !== name) continue
      for (const value of valuesFor(c.data)) {
        if (value === undefined) continue
        let doc: unknown = value
        for (const key of [...keys].reverse()) doc = { [key]: doc }
        out.push(JSON.stringify(doc))
      }
    }
    return [...new Set([...out, '{}', 'error'])]
  }
}

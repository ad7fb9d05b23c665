/**
 * Evaluates workflow conditions (`branch[].if`, `filter`) against one call.
 * Numbers are compared in E.164; a contact is looked up at most once per call.
 */
import { prefixToE164, toE164 } from '../phone/e164.js'
import { isOpen } from '../schedule/open.js'
import type { Condition, Contact, Matcher } from '../workflow/schema.js'
import { dataValue } from '../workflow/placeholders.js'
import type { World } from './world.js'

export type ConditionFacts = {
  callerE164: string | undefined
  caller: string
  dialedE164: string | undefined
  dialed: string
  fields: Record<string, string>
  /** The responses of the call's `http` actions by name. */
  data: Readonly<Record<string, unknown>>
  team: string | null
  /** Lazily loaded contact of the caller. */
  contact(): Promise<Contact | undefined>
  /** Called when a schedule was found closed (the call is "outside hours"). */
  sawClosed(): void
}

type Normalise = { value(v: string): string; prefix(p: string): string; length(v: string): number }
const asText: Normalise = { value: (v) => v, prefix: (p) => p, length: (v) => v.length }

/** Every key of the matcher must hold; an absent value is the empty string. */
function match(m: Matcher, value: string | undefined, n: Normalise = asText): boolean {
  const v = value ?? ''
  if (m.exists !== undefined && m.exists !== (v !== '')) return false
  if (m.equals !== undefined && n.value(m.equals) !== v) return false
  if (m.in !== undefined && !m.in.some((x) => n.value(x) === v)) return false
  if (m.prefix !== undefined && (v === '' || !v.startsWith(n.prefix(m.prefix)))) return false
  const length = n.length(v)
  if (m.minLength !== undefined && length < m.minLength) return false
  if (m.maxLength !== undefined && length > m.maxLength) return false
  if (m.gt !== undefined || m.lt !== undefined) {
    // A value that is not a plain number (empty, text, "1e3") matches neither.
    const x = /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN
    if (!Number.isFinite(x)) return false
    if (m.gt !== undefined && !(x > m.gt)) return false
    if (m.lt !== undefined && !(x < m.lt)) return false
  }
  return true
}

/** Workflow values are few and fixed, so their E.164 forms are memoised per region. */
const memo = new Map<string, string>()
function remember(key: string, compute: () => string): string {
  let v = memo.get(key)
  if (v === undefined) {
    v = compute()
    if (memo.size > 10_000) memo.clear()
    memo.set(key, v)
  }
  return v
}

function asNumber(region: string): Normalise {
  return {
    value: (v) => remember(`v${region}${v}`, () => toE164(v, region) ?? v),
    prefix: (p) => remember(`p${region}${p}`, () => prefixToE164(p, region)),
    // Lengths count digits, so "+821012345678" has 12.
    length: (v) => v.replace(/^\+/, '').length,
  }
}

export async function evaluate(cond: Condition, facts: ConditionFacts, world: World): Promise<boolean> {
  if ('open' in cond || 'closed' in cond) {
    const name = 'open' in cond ? cond.open : cond.closed
    const schedule = world.schedule(name)
    // An unknown schedule is rejected at import; if one vanished since, treat it as closed.
    const open = schedule !== undefined && isOpen(schedule, world.clock.now())
    if (!open) facts.sawClosed()
    return 'open' in cond ? open : !open
  }
  if ('caller' in cond) return match(cond.caller, facts.callerE164 ?? facts.caller, asNumber(world.region))
  if ('dialed' in cond) return match(cond.dialed, facts.dialedE164 ?? facts.dialed, asNumber(world.region))
  if ('field' in cond) return match(cond.field, facts.fields[cond.field.name])
  if ('team' in cond) return facts.team === cond.team
  if ('data' in cond) return match(cond.data, dataValue(facts.data, cond.data.path.split('.')))
  if ('contact' in cond) {
    const contact = await facts.contact()
    if ('tag' in cond.contact) return contact?.tags.includes(cond.contact.tag) ?? false
    return match(cond.contact, contact?.attributes[cond.contact.attr])
  }
  if ('all' in cond) {
    for (const c of cond.all) if (!(await evaluate(c, facts, world))) return false
    return true
  }
  if ('any' in cond) {
    for (const c of cond.any) if (await evaluate(c, facts, world)) return true
    return false
  }
  return !(await evaluate(cond.not, facts, world))
}

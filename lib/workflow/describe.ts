/**
 * Workflow conditions and actions as short readable text (`open business-hours`, `caller prefix +8210`,
 * `field reservationNo minLength 6`), for diagrams and path listings. The text is plain: each renderer
 * escapes it for its own syntax.
 */
import type { Action, Condition, Matcher, Prompt } from './schema.js'

/** Prompt and SMS texts are cut to this many characters (code points, so Korean is not split). */
const TEXT_MAX = 32

export function shorten(text: string, max = TEXT_MAX): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`
}

export function describePrompt(p: Prompt): string {
  return 'say' in p ? `say "${shorten(p.say)}"` : `play ${shorten(p.play)}`
}

function describeMatcher(m: Omit<Matcher, never>): string {
  const parts: string[] = []
  if (m.equals !== undefined) parts.push(`equals ${m.equals}`)
  if (m.in !== undefined) parts.push(`in ${m.in.join(', ')}`)
  if (m.prefix !== undefined) parts.push(`prefix ${m.prefix}`)
  if (m.exists !== undefined) parts.push(m.exists ? 'exists' : 'missing')
  if (m.minLength !== undefined) parts.push(`minLength ${m.minLength}`)
  if (m.maxLength !== undefined) parts.push(`maxLength ${m.maxLength}`)
  if (m.gt !== undefined) parts.push(`> ${m.gt}`)
  if (m.lt !== undefined) parts.push(`< ${m.lt}`)
  return parts.join(' and ')
}

/** Nested `all`/`any` are parenthesised so that the text reads unambiguously. */
export function describeCondition(c: Condition): string {
  const inner = (x: Condition) => ('all' in x || 'any' in x ? `(${describeCondition(x)})` : describeCondition(x))
  if ('open' in c) return `open ${c.open}`
  if ('closed' in c) return `closed ${c.closed}`
  if ('caller' in c) return `caller ${describeMatcher(c.caller)}`
  if ('dialed' in c) return `dialed ${describeMatcher(c.dialed)}`
  if ('field' in c) {
    const { name, ...m } = c.field
    return `field ${name} ${describeMatcher(m)}`
  }
  if ('contact' in c) {
    if ('tag' in c.contact) return `contact tag ${c.contact.tag}`
    const { attr, ...m } = c.contact
    return `contact ${attr} ${describeMatcher(m)}`
  }
  if ('team' in c) return `team ${c.team}`
  if ('data' in c) {
    const { path, ...m } = c.data
    return `data ${path} ${describeMatcher(m)}`
  }
  if ('all' in c) return c.all.map(inner).join(' and ')
  if ('any' in c) return c.any.map(inner).join(' or ')
  return `not ${inner(c.not)}`
}

/** One line per action; the jumps themselves are drawn as edges, so menus and branches only name themselves. */
export function describeAction(a: Action): string {
  if ('message' in a) return describePrompt(a.message)
  if ('menu' in a) return `menu: ${describePrompt(a.menu.prompt)}`
  if ('collect' in a) {
    const c = a.collect
    const length = c.minDigits === c.maxDigits ? `${c.minDigits}` : `${c.minDigits}-${c.maxDigits}`
    const end = c.endKey === 'none' ? '' : `, end ${c.endKey}`
    return `collect ${c.field} (${length} digits${end}${c.pattern ? `, pattern ${shorten(c.pattern)}` : ''})`
  }
  if ('branch' in a) return 'branch'
  if ('assign' in a) return 'team' in a.assign ? `assign team ${a.assign.team}` : `assign agent ${a.assign.agent}`
  if ('unassign' in a) return `unassign ${a.unassign}`
  if ('connect' in a)
    return `try connect${a.connect.timeoutSeconds !== undefined ? ` (${a.connect.timeoutSeconds} s)` : ''}`
  if ('voicemail' in a)
    return `voicemail${a.voicemail.greeting ? `: ${describePrompt(a.voicemail.greeting)}` : ''} (max ${a.voicemail.maxSeconds} s)`
  if ('hangup' in a)
    return `hang up${a.hangup.inbox ? ' (missed-call inbox)' : ''}${a.hangup.message ? `: ${describePrompt(a.hangup.message)}` : ''}`
  if ('sms' in a) return `sms to ${a.sms.to ?? 'caller'}: "${shorten(a.sms.text)}"`
  if ('tag' in a) return `tag ${a.tag.join(', ')}`
  if ('http' in a) return `http ${a.http.name}: ${a.http.method} ${shorten(a.http.url)}`
  if ('callback' in a) {
    const number = a.callback.number === 'caller' ? 'caller' : `field ${a.callback.number.field}`
    return `callback to ${number}${a.callback.confirm ? ', confirmed' : ''}`
  }
  return `goto ${a.goto}`
}

/**
 * Where a dialled number goes in a dialplan context, the way mod_dialplan_xml hunts: extensions in order, the
 * conditions of each in order (all must hold under the default `break="on-false"`), the first extension that
 * matches wins unless it says `continue="true"`. Only `destination_number` is known here: conditions on any other
 * field (caller, time of day, variables) are taken as true and listed, so the answer is "would reach, given those".
 */
import { parseXml, type XmlElement } from './xml.js'

export type Action = { application: string; data: string }
export type Hunt = {
  /** The matching extensions, in order (several when earlier ones say continue="true"). */
  extensions: string[]
  actions: Action[]
  /** Conditions that could not be evaluated and were taken as true. */
  assumed: string[]
}

export type SocketTarget = { hosts: string[]; async: boolean; full: boolean }

/** The `<context>` element in `xml_locate` output, or undefined when FreeSWITCH found none. */
export function contextOf(xml: string, name: string): XmlElement | undefined {
  const find = (els: XmlElement[]): XmlElement | undefined => {
    for (const el of els) {
      if (el.name === 'context' && el.attrs['name'] === name) return el
      const inner = find(el.children)
      if (inner) return inner
    }
    return undefined
  }
  return find(parseXml(xml))
}

const DESTINATION = /^(\$\{)?destination_number\}?$/

export function hunt(context: XmlElement, destination: string): Hunt {
  const result: Hunt = { extensions: [], actions: [], assumed: [] }
  for (const extension of context.children.filter((c) => c.name === 'extension')) {
    const actions: Action[] = []
    let matched = true
    const assumed: string[] = []
    for (const condition of extension.children.filter((c) => c.name === 'condition')) {
      const field = condition.attrs['field']
      const expression = condition.attrs['expression']
      let holds = true
      if (field !== undefined && expression !== undefined) {
        if (DESTINATION.test(field)) holds = new RegExp(expression).test(destination)
        else assumed.push(`${field} =~ ${expression}`)
      } else if (condition.children.some((c) => c.name === 'regex')) assumed.push('a <regex> condition')
      else {
        // Time-of-day conditions (wday, hour, time-of-day, date-time…).
        const when = Object.entries(condition.attrs).filter(([k]) => k !== 'break' && k !== 'require-nested')
        if (when.length) assumed.push(when.map(([k, v]) => `${k}=${v}`).join(' '))
      }
      const brk = condition.attrs['break'] ?? 'on-false'
      if (holds)
        actions.push(
          ...condition.children
            .filter((c) => c.name === 'action')
            .map((a) => ({ application: a.attrs['application'] ?? '', data: a.attrs['data'] ?? '' })),
        )
      else matched = brk === 'never' ? matched : false
      if ((!holds && brk === 'on-false') || (holds && brk === 'on-true') || brk === 'always') break
    }
    if (!matched) continue
    result.extensions.push(extension.attrs['name'] ?? '(unnamed)')
    result.actions.push(...actions)
    result.assumed.push(...assumed)
    if (extension.attrs['continue'] !== 'true') break
  }
  return result
}

/** The `socket` application's argument: `host:port[|host:port…] [async] [full]` (mod_event_socket `socket_function`). */
export function socketTarget(data: string): SocketTarget {
  const [hosts = '', ...flags] = data.trim().split(/\s+/)
  const words = flags.map((f) => f.toLowerCase())
  return { hosts: hosts.split('|').filter(Boolean), async: words.includes('async'), full: words.includes('full') }
}

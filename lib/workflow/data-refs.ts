/**
 * Where a workflow uses data from its `http` actions: `{{data.NAME…}}` placeholders (prompts, SMS, requests) and
 * `data` conditions, with where each is written. Validation checks each against the requests that run before it;
 * the engine stores only these values of a response in the call's events.
 */
import { parsePlaceholders } from './placeholders.js'
import { ENDPOINT_URL, type Action, type Condition, type Prompt, type Workflow } from './schema.js'

export type Path = (string | number)[]
/** A use of `data.<path>` (`path[0]` is the request's name) in step `step`, action `action`. */
export type DataRef = { path: string[]; step: string; action: number; at: Path }
/** A text that may hold placeholders, and where it is written. */
export type PlaceholderText = { text: string; at: Path; step: string; action: number; kind: 'say' | 'sms' | 'http' }

function promptTexts(p: Prompt | undefined, at: Path): { text: string; at: Path }[] {
  return p && 'say' in p ? [{ text: p.say, at: [...at, 'say'] }] : []
}

function jsonTexts(v: unknown, at: Path): { text: string; at: Path }[] {
  if (typeof v === 'string') return [{ text: v, at }]
  if (Array.isArray(v)) return v.flatMap((x, i) => jsonTexts(x, [...at, i]))
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => jsonTexts(x, [...at, k]))
  return []
}

function actionTexts(a: Action, at: Path): { text: string; at: Path; kind: PlaceholderText['kind'] }[] {
  const say = (list: { text: string; at: Path }[]) => list.map((t) => ({ ...t, kind: 'say' as const }))
  if ('message' in a) return say(promptTexts(a.message, [...at, 'message']))
  if ('menu' in a)
    return say([
      ...promptTexts(a.menu.prompt, [...at, 'menu', 'prompt']),
      ...promptTexts(a.menu.invalid, [...at, 'menu', 'invalid']),
    ])
  if ('collect' in a)
    return say([
      ...promptTexts(a.collect.prompt, [...at, 'collect', 'prompt']),
      ...promptTexts(a.collect.invalid, [...at, 'collect', 'invalid']),
    ])
  if ('hangup' in a) return say(promptTexts(a.hangup.message, [...at, 'hangup', 'message']))
  if ('voicemail' in a) return say(promptTexts(a.voicemail.greeting, [...at, 'voicemail', 'greeting']))
  if ('callback' in a) return say(promptTexts(a.callback.message, [...at, 'callback', 'message']))
  if ('sms' in a)
    return [
      { text: a.sms.text, at: [...at, 'sms', 'text'], kind: 'sms' },
      ...(a.sms.to === undefined ? [] : [{ text: a.sms.to, at: [...at, 'sms', 'to'], kind: 'sms' as const }]),
    ]
  if ('http' in a)
    return [
      { text: a.http.url, at: [...at, 'http', 'url'] },
      ...Object.entries(a.http.query ?? {}).map(([k, v]) => ({ text: v, at: [...at, 'http', 'query', k] })),
      ...jsonTexts(a.http.body ?? {}, [...at, 'http', 'body']),
    ].map((t) => ({ ...t, kind: 'http' as const }))
  return []
}

/** Every text of the workflow's steps that may hold placeholders. */
export function placeholderTexts(w: Workflow): PlaceholderText[] {
  const out: PlaceholderText[] = []
  for (const [step, actions] of Object.entries(w.steps))
    actions.forEach((a, action) => {
      for (const t of actionTexts(a, ['steps', step, action])) out.push({ ...t, step, action })
    })
  return out
}

function conditionRefs(c: Condition, at: Path): { path: string[]; at: Path }[] {
  if ('data' in c) return [{ path: c.data.path.split('.'), at: [...at, 'data', 'path'] }]
  if ('all' in c) return c.all.flatMap((x, i) => conditionRefs(x, [...at, 'all', i]))
  if ('any' in c) return c.any.flatMap((x, i) => conditionRefs(x, [...at, 'any', i]))
  if ('not' in c) return conditionRefs(c.not, [...at, 'not'])
  return []
}

export function dataRefs(w: Workflow): DataRef[] {
  const out: DataRef[] = []
  for (const t of placeholderTexts(w))
    for (const p of parsePlaceholders(t.text).known)
      if (p.kind === 'data') out.push({ path: p.path, step: t.step, action: t.action, at: t.at })
  for (const [step, actions] of Object.entries(w.steps))
    actions.forEach((a, action) => {
      if ('branch' in a)
        a.branch.forEach((entry, j) => {
          if (entry.if)
            for (const r of conditionRefs(entry.if, ['steps', step, action, 'branch', j, 'if']))
              out.push({ ...r, step, action })
        })
    })
  return out
}

/** The paths below the request `name` the workflow uses (`reservation.time`), each once. */
export function usedPaths(w: Workflow, name: string): string[][] {
  const seen = new Map<string, string[]>()
  for (const r of dataRefs(w)) if (r.path[0] === name) seen.set(r.path.join('.'), r.path.slice(1))
  return [...seen.values()]
}

/** Filters are evaluated before the workflow runs, so no request has run yet. */
export function filterDataRefs(w: Workflow): { path: string[]; at: Path }[] {
  return w.filter ? conditionRefs(w.filter, ['filter']) : []
}

/** The endpoints a workflow's http actions name. */
export function endpointsNamed(w: Workflow): Set<string> {
  const names = new Set<string>()
  for (const actions of Object.values(w.steps))
    for (const a of actions) if ('http' in a) names.add(ENDPOINT_URL.exec(a.http.url)?.[1] ?? '')
  return names
}

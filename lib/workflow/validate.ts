/**
 * The rules that one document's schema cannot check: references between steps and documents,
 * reachability, loops, schedules' days and hours, placeholders, names used twice.
 * Every rule is listed, with its severity and an example message, in docs/validation.md.
 */
import { toE164 } from '../phone/e164.js'
import { IANAZone } from 'luxon'
import { buildGraph, describeCycle, findCycles, reachable, type Exit } from './graph.js'
import { formatPath, type Diagnostic, type Severity } from './issues.js'
import { loadFiles, type LoadedDocuments, type Loaded, type LoadResult, type Source } from './load.js'
import { actionKey, requestsRunBefore } from './data-flow.js'
import { dataRefs, filterDataRefs, placeholderTexts } from './data-refs.js'
import { PLACEHOLDER_HELP, parsePlaceholders } from './placeholders.js'
import { LMS_MAX_BYTES, longestSmsBytes } from './sms-length.js'
import { ENDPOINT_URL, type Condition, type Schedule, type Workflow } from './schema.js'

export { formatDiagnostic } from './issues.js'

/** Names that exist outside the files validated (in the database, for `apply`). */
export type Known = {
  schedules?: ReadonlySet<string>
  teams?: ReadonlySet<string>
  agents?: ReadonlySet<string>
  /** The endpoints of the router's configuration; absent: not checked (`workflow validate` without `--config`). */
  endpoints?: ReadonlySet<string>
}

export type ValidateOptions = {
  known?: Known
  /** Region for contact numbers written without a country code; default KR. */
  region?: string
}

type Path = (string | number)[]
type Report = (severity: Severity, path: Path, message: string) => void

const DTMF = /^[0-9*#]$/
const PHONE_LIKE = /^[0-9+\-\s()]+$/
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

/** Where a document is, in words: `reservations.yaml, line 3`. */
function place(s: Source): string {
  return `${s.file}, line ${s.line}`
}

function reporter(out: Diagnostic[], source: Source, document: string): Report {
  return (severity, path, message) =>
    out.push({ severity, file: source.file, document, path: formatPath(path), message })
}

type ConditionRef = { kind: 'schedule' | 'team' | 'field'; name: string; path: Path }

function conditionRefs(c: Condition, path: Path): ConditionRef[] {
  if ('open' in c) return [{ kind: 'schedule', name: c.open, path: [...path, 'open'] }]
  if ('closed' in c) return [{ kind: 'schedule', name: c.closed, path: [...path, 'closed'] }]
  if ('team' in c) return [{ kind: 'team', name: c.team, path: [...path, 'team'] }]
  if ('field' in c) return [{ kind: 'field', name: c.field.name, path: [...path, 'field', 'name'] }]
  if ('all' in c) return c.all.flatMap((inner, i) => conditionRefs(inner, [...path, 'all', i]))
  if ('any' in c) return c.any.flatMap((inner, i) => conditionRefs(inner, [...path, 'any', i]))
  if ('not' in c) return conditionRefs(c.not, [...path, 'not'])
  return []
}

type Names = { schedules: Set<string>; teams: Set<string>; agents: Set<string> }

/** Every schedule, team, agent and field a workflow names, with where. */
function workflowRefs(w: Workflow): { refs: ConditionRef[]; agents: { name: string; path: Path }[] } {
  const refs: ConditionRef[] = []
  const agents: { name: string; path: Path }[] = []
  if (w.schedule !== undefined) refs.push({ kind: 'schedule', name: w.schedule, path: ['schedule'] })
  if (w.team !== undefined) refs.push({ kind: 'team', name: w.team, path: ['team'] })
  if (w.filter) refs.push(...conditionRefs(w.filter, ['filter']))
  for (const [step, actions] of Object.entries(w.steps))
    actions.forEach((a, i) => {
      const at: Path = ['steps', step, i]
      if ('branch' in a)
        a.branch.forEach((entry, j) => {
          if (entry.if) refs.push(...conditionRefs(entry.if, [...at, 'branch', j, 'if']))
        })
      if ('assign' in a) {
        if ('team' in a.assign) refs.push({ kind: 'team', name: a.assign.team, path: [...at, 'assign', 'team'] })
        else agents.push({ name: a.assign.agent, path: [...at, 'assign', 'agent'] })
      }
      if ('callback' in a && a.callback.number !== 'caller')
        refs.push({ kind: 'field', name: a.callback.number.field, path: [...at, 'callback', 'number', 'field'] })
      if ('sms' in a) {
        for (const [key, text] of [
          ['text', a.sms.text],
          ['to', a.sms.to],
        ] as const)
          for (const p of text === undefined ? [] : parsePlaceholders(text).known)
            if (p.kind === 'field') refs.push({ kind: 'field', name: p.name, path: [...at, 'sms', key] })
      }
    })
  return { refs, agents }
}

function collectedFields(w: Workflow): Set<string> {
  const fields = new Set<string>()
  for (const actions of Object.values(w.steps)) for (const a of actions) if ('collect' in a) fields.add(a.collect.field)
  return fields
}

/** The most digits a collect of this workflow keeps in the field (64, the most any collect keeps, if none sets it). */
function fieldBytes(w: Workflow, field: string): number {
  let most = 0
  for (const actions of Object.values(w.steps))
    for (const a of actions) if ('collect' in a && a.collect.field === field) most = Math.max(most, a.collect.maxDigits)
  return most || 64
}

/**
 * A callback keeps the caller's place in a line: an incoming workflow that assigns nobody never has one to keep. (A
 * queued workflow runs for a caller in a line; whether an assignment runs before the callback on every path is the
 * engine's to find out: it goes to `otherwise`.)
 */
function checkCallbacks(w: Workflow, report: Report): void {
  if (w.trigger !== 'incoming') return
  const actions = Object.values(w.steps).flat()
  if (actions.some((a) => 'assign' in a)) return
  for (const [step, list] of Object.entries(w.steps))
    list.forEach((a, i) => {
      if ('callback' in a)
        report(
          'error',
          ['steps', step, i, 'callback'],
          'a callback needs a team or agent: assign one before it, or offer it in a queued workflow',
        )
    })
}

function checkActions(w: Workflow, report: Report): void {
  for (const [step, actions] of Object.entries(w.steps))
    actions.forEach((a, i) => {
      const at: Path = ['steps', step, i]
      if ('menu' in a)
        for (const key of Object.keys(a.menu.options))
          if (!DTMF.test(key))
            report('error', [...at, 'menu', 'options', key], `${JSON.stringify(key)} is not a phone key (0-9, *, #)`)
      if ('branch' in a)
        a.branch.forEach((entry, j) => {
          if (entry.if === undefined && j < a.branch.length - 1)
            report(
              'error',
              [...at, 'branch', j],
              'only the last entry may leave out "if": the entries after it never run',
            )
        })
      if ('collect' in a) {
        const c = a.collect
        if (c.minDigits > c.maxDigits)
          report('error', [...at, 'collect'], `minDigits (${c.minDigits}) is more than maxDigits (${c.maxDigits})`)
        if (c.pattern !== undefined) {
          try {
            new RegExp(c.pattern)
          } catch (err) {
            const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)
            report('error', [...at, 'collect', 'pattern'], `not a valid regular expression: ${why}`)
          }
        }
      }
      if ('http' in a && a.http.method === 'GET' && a.http.body !== undefined)
        report('error', [...at, 'http', 'body'], 'a GET request has no body: use query, or method: POST')
      if ('sms' in a) {
        const bytes = longestSmsBytes(a.sms.text, (field) => fieldBytes(w, field))
        if (bytes > LMS_MAX_BYTES)
          report(
            'error',
            [...at, 'sms', 'text'],
            `up to ${bytes} bytes once filled (2 a Korean character, placeholders at their longest): over the ${LMS_MAX_BYTES}-byte LMS limit`,
          )
        const to = a.sms.to
        if (to !== undefined && !isSmsDestination(to))
          report(
            'error',
            [...at, 'sms', 'to'],
            `expected a phone number, {{caller}} or {{fields.NAME}}, found ${JSON.stringify(to)}`,
          )
      }
    })
}

/** Placeholders: known everywhere they are written; `data` only after its request on every path. */
function checkData(
  w: Workflow,
  report: Report,
  endpoints: ReadonlySet<string> | undefined,
  before: ReadonlySet<string>,
): void {
  for (const t of placeholderTexts(w))
    for (const unknown of parsePlaceholders(t.text).unknown)
      report('error', t.at, `unknown placeholder ${JSON.stringify(unknown)} (${PLACEHOLDER_HELP})`)
  const requests = new Set<string>()
  for (const [step, actions] of Object.entries(w.steps))
    actions.forEach((a, i) => {
      if (!('http' in a)) return
      requests.add(a.http.name)
      const endpoint = ENDPOINT_URL.exec(a.http.url)?.[1] ?? ''
      const at: Path = ['steps', step, i, 'http', 'url']
      if (endpoints !== undefined && !endpoints.has(endpoint))
        report(
          'error',
          at,
          `unknown endpoint "${endpoint}" (${endpoints.size ? `configured: ${[...endpoints].join(', ')}` : 'none configured'}): workflows may call only the endpoints of the router's configuration`,
        )
    })
  for (const r of filterDataRefs(w))
    report('error', r.at, 'a filter is decided before the workflow runs: no request has run yet')
  const ran = requestsRunBefore(w, before)
  for (const r of dataRefs(w)) {
    const name = r.path[0]!
    const surely = ran.get(actionKey(r.step, r.action))
    if (surely === undefined || surely.has(name)) continue
    report(
      'error',
      r.at,
      requests.has(name) || before.has(name)
        ? `data "${name}" is used where its request may not have run: the http action "${name}" must run before this on every path`
        : `no http action named "${name}"`,
    )
  }
}

function isSmsDestination(to: string): boolean {
  const { known, unknown } = parsePlaceholders(to)
  const only = known[0]
  if (known.length === 1 && unknown.length === 0 && only && to.trim() === only.text)
    return only.kind === 'caller' || only.kind === 'field'
  return PHONE_LIKE.test(to) && (to.match(/[0-9]/g)?.length ?? 0) >= 3
}

function cycleMessage(cycle: Exit[]): string {
  const connect = cycle.some((e) => e.kind === 'connect-otherwise')
  return `${connect ? 'try-connect cycle' : 'loop without input'}: ${describeCycle(cycle)}`
}

function checkGraph(w: Workflow, report: Report): void {
  const graph = buildGraph(w)
  for (const e of graph.exits) if (!graph.steps.has(e.target)) report('error', e.path, `unknown step "${e.target}"`)
  if (w.start !== undefined && !graph.steps.has(w.start)) report('error', ['start'], `unknown step "${w.start}"`)
  if (w.start === undefined && [...graph.steps.keys()].some((s) => /^(0|[1-9][0-9]*)$/.test(s)))
    report(
      'warning',
      ['steps'],
      'step names that are whole numbers come first in the order steps are read, so the first step may not be the one written first: set "start"',
    )

  const seen = reachable(graph)
  if (graph.steps.has(graph.start))
    for (const name of graph.steps.keys())
      if (!seen.has(name))
        report('warning', ['steps', name], `unreachable: no path from the start step "${graph.start}" leads here`)

  for (const node of graph.steps.values()) {
    const at = node.leavesAt
    if (at === undefined || at >= node.actions.length - 1) continue
    const leaving = Object.keys(node.actions[at] ?? {})[0] ?? 'action'
    const more = node.actions.length - at - 2
    const what = more === 0 ? 'never runs' : `never runs, nor the ${more === 1 ? 'action' : `${more} actions`} after it`
    report('warning', ['steps', node.name, at + 1], `${what}: the ${leaving} before it always leaves the step`)
  }

  // Jumps with no key read in the step between them run back to back, with nothing to stop them.
  const noInput = findCycles(graph, (e) => e.live && !e.afterInput)
  for (const cycle of noInput) report('error', cycle[0]!.path, cycleMessage(cycle))
}

function checkWorkflow(
  w: Workflow,
  report: Report,
  names: Names,
  fieldsAnywhere: ReadonlySet<string>,
  requestsAnywhere: ReadonlySet<string>,
  endpoints: ReadonlySet<string> | undefined,
): void {
  if (w.trigger === 'incoming') {
    if (w.waitSeconds !== undefined)
      report('error', ['waitSeconds'], 'only a queued workflow waits: remove it, or set "trigger: queued"')
    if (w.team !== undefined)
      report('error', ['team'], 'only a queued workflow has a queue team: remove it, or set "trigger: queued"')
  }
  checkGraph(w, report)
  checkActions(w, report)
  checkCallbacks(w, report)
  // A queued workflow runs after an incoming one, whose data the call still carries.
  checkData(w, report, endpoints, w.trigger === 'queued' ? requestsAnywhere : new Set())
  // A queued workflow runs after an incoming one, whose collected fields the call still carries.
  const fields = w.trigger === 'queued' ? fieldsAnywhere : collectedFields(w)
  const { refs, agents } = workflowRefs(w)
  for (const r of refs) {
    if (r.kind === 'schedule' && !names.schedules.has(r.name)) report('error', r.path, `unknown schedule "${r.name}"`)
    if (r.kind === 'team' && !names.teams.has(r.name)) report('error', r.path, `unknown team "${r.name}"`)
    if (r.kind === 'field' && !fields.has(r.name))
      report(
        'warning',
        r.path,
        `field "${r.name}" is never collected by ${w.trigger === 'queued' ? 'any workflow here' : 'this workflow'}`,
      )
  }
  for (const a of agents) if (!names.agents.has(a.name)) report('error', a.path, `unknown agent "${a.name}"`)
}

type DaySpec = { key: string; days: Set<string> }

/** The days a weekly key covers, or the message saying why it runs backwards. */
function expandDays(key: string): DaySpec | string {
  const days = new Set<string>()
  for (const part of key.split(',')) {
    const [from, to = from] = part.split('-') as [(typeof DAYS)[number], (typeof DAYS)[number]?]
    const a = DAYS.indexOf(from)
    const b = DAYS.indexOf(to)
    if (b < a)
      return `"${part}" runs backwards: the week goes from mon to sun here; write "${from}-sun,mon${b > 0 ? `-${to}` : ''}"`
    for (let i = a; i <= b; i++) days.add(DAYS[i]!)
  }
  return { key, days }
}

function checkSchedule(s: Schedule, report: Report): void {
  if (!IANAZone.isValidZone(s.timezone))
    report('error', ['timezone'], `unknown time zone "${s.timezone}" (use an IANA name such as "Asia/Seoul")`)
  const specs: DaySpec[] = []
  for (const [key, ranges] of Object.entries(s.weekly)) {
    const spec = expandDays(key)
    if (typeof spec === 'string') report('error', ['weekly', key], spec)
    else {
      for (const earlier of specs) {
        const both = DAYS.filter((d) => spec.days.has(d) && earlier.days.has(d))
        if (both.length > 0)
          report(
            'error',
            ['weekly', key],
            `"${key}" and "${earlier.key}" both cover ${both.join(', ')}: give each day once`,
          )
      }
      specs.push(spec)
    }
    ranges.forEach((range, i) => {
      const [start = '', end = ''] = range.split('-')
      if (end > start) return
      report(
        'error',
        ['weekly', key, i],
        end === start
          ? `"${range}" is empty`
          : `"${range}" ends before it starts: split an overnight range into "${start}-24:00" and "00:00-${end}" of the next day`,
      )
    })
  }
}

function e164(number: string, region: string): string {
  return toE164(number, region) ?? number.replace(/[^0-9+]/g, '')
}

/** Names defined twice within a kind: an error on the later one, naming the earlier. */
function checkDuplicates<T>(
  out: Diagnostic[],
  noun: string,
  docs: readonly Loaded<T>[],
  keyOf: (v: T) => string,
  labelOf: (v: T) => string,
): void {
  const first = new Map<string, Source>()
  for (const d of docs) {
    const key = keyOf(d.value)
    const earlier = first.get(key)
    if (earlier === undefined) first.set(key, d.source)
    else
      reporter(out, d.source, labelOf(d.value))(
        'error',
        [noun === 'contact' ? 'number' : 'name'],
        `${noun} ${JSON.stringify(key)} is defined twice: also in ${place(earlier)}`,
      )
  }
}

/** Checks the documents of a set of files as a whole. The schema already holds for each of them. */
export function validateDocuments(docs: LoadedDocuments, options: ValidateOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = []
  const known = options.known ?? {}
  const region = options.region ?? 'KR'
  // Documents that failed to parse still count as defined, so one mistake does not cascade.
  const rejected = (kind: string) => (docs.rejected ?? []).filter((r) => r.kind === kind).map((r) => r.name)
  const names: Names = {
    schedules: new Set([
      ...docs.schedules.map((d) => d.value.name),
      ...(known.schedules ?? []),
      ...rejected('schedule'),
    ]),
    teams: new Set([...docs.teams.map((d) => d.value.name), ...(known.teams ?? []), ...rejected('team')]),
    agents: new Set([...docs.agents.map((d) => d.value.name), ...(known.agents ?? []), ...rejected('agent')]),
  }
  const fieldsAnywhere = new Set(docs.workflows.flatMap((d) => [...collectedFields(d.value)]))
  const requestsAnywhere = new Set(
    docs.workflows
      .filter((d) => d.value.trigger === 'incoming')
      .flatMap((d) =>
        Object.values(d.value.steps).flatMap((as) => as.flatMap((a) => ('http' in a ? [a.http.name] : []))),
      ),
  )

  for (const d of docs.workflows)
    checkWorkflow(
      d.value,
      reporter(out, d.source, `workflow ${d.value.name}`),
      names,
      fieldsAnywhere,
      requestsAnywhere,
      known.endpoints,
    )
  for (const d of docs.schedules) checkSchedule(d.value, reporter(out, d.source, `schedule ${d.value.name}`))
  for (const d of docs.teams) {
    const schedule = d.value.callback?.schedule
    if (schedule !== undefined && !names.schedules.has(schedule))
      reporter(out, d.source, `team ${d.value.name}`)(
        'error',
        ['callback', 'schedule'],
        `unknown schedule "${schedule}"`,
      )
  }
  for (const d of docs.agents) {
    const report = reporter(out, d.source, `agent ${d.value.name}`)
    d.value.teams.forEach((team, i) => {
      if (!names.teams.has(team)) report('error', ['teams', i], `unknown team "${team}"`)
    })
  }

  const byName = <T extends { name: string }>(noun: string, list: readonly Loaded<T>[]) =>
    checkDuplicates(
      out,
      noun,
      list,
      (v) => v.name,
      (v) => `${noun} ${v.name}`,
    )
  byName('workflow', docs.workflows)
  byName('schedule', docs.schedules)
  byName('team', docs.teams)
  byName('agent', docs.agents)
  checkDuplicates(
    out,
    'contact',
    docs.contacts,
    (c) => e164(c.number, region),
    (c) => `contact ${c.number}`,
  )

  // The engine takes one enabled queued workflow per team (and one for teams without their own).
  const queuedFor = new Map<string, Source>()
  for (const d of docs.workflows) {
    const w = d.value
    if (w.trigger !== 'queued' || !w.enabled) continue
    const key = w.team ?? ''
    const earlier = queuedFor.get(key)
    if (earlier === undefined) queuedFor.set(key, d.source)
    else
      reporter(out, d.source, `workflow ${w.name}`)(
        'error',
        [w.team === undefined ? 'trigger' : 'team'],
        `another enabled queued workflow (${place(earlier)}) already serves ${w.team === undefined ? 'the teams without their own' : `team "${w.team}"`}`,
      )
  }
  return out
}

/** Loads and validates a set of files as a whole: the documents and every diagnostic, load problems first. */
export async function validateFiles(
  files: readonly string[],
  options: ValidateOptions = {},
): Promise<{ documents: LoadResult; diagnostics: Diagnostic[] }> {
  const documents = await loadFiles(files)
  return { documents, diagnostics: [...documents.diagnostics, ...validateDocuments(documents, options)] }
}

/**
 * The live board: each team's line (position, caller, wait, priority, state) with its count and longest wait, the
 * agents (status, current call, rest and why), and the calls in progress on every router (the longest first). Pushed by the server (EventSource): the whole board once,
 * then what changed, applied to the page's copy; waits tick here, from the server's clock, so the page never asks
 * again.
 */
import { api, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { duration, t, time, word } from '../i18n.js'

type QueueRow = {
  callId: string
  team: string | null
  agent: string | null
  caller: string
  enqueuedAt: string
  priority: number
  state: 'waiting' | 'ringing' | 'workflow' | 'callback'
}
type AgentRow = {
  name: string
  title: string | null
  status: 'available' | 'away' | 'offline'
  teams: string[]
  reservedBy: string | null
  lastCallEnd: string | null
  restUntil: string | null
  restReason: string | null
  restCause: string | null
}
type CallUnderWay = {
  callId: string
  caller: string
  dialed: string
  workflow: string
  startedAt: string
  router: string
  routerAlive: boolean
  step: string | null
  stepWorkflow: string | null
  stepAt: string | null
}
type Team = { name: string; title: string | null }
type Section<T> = { set: T[]; removed: string[] }
/** What changed since the last event (lib/console/board-delta.ts): sections that did not change are absent. */
type Delta = {
  serverTime: string
  queue?: Section<QueueRow>
  agents?: Section<AgentRow>
  teams?: Section<Team>
  underWay?: Section<CallUnderWay> & { total: number }
}
type Board = {
  serverTime: string
  teams: Team[]
  queue: QueueRow[]
  agents: AgentRow[]
  underWay: { total: number; calls: CallUnderWay[] }
}

const byName = new Intl.Collator('en', { numeric: true }).compare
/** The distributor's order (lib/store/queue.ts): ringing first, then by priority, arrival, call. */
const lineOrder = (a: QueueRow, b: QueueRow) =>
  Number(b.state === 'ringing') - Number(a.state === 'ringing') ||
  b.priority - a.priority ||
  (a.enqueuedAt < b.enqueuedAt ? -1 : a.enqueuedAt > b.enqueuedAt ? 1 : 0) ||
  (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0)
const startOrder = (a: CallUnderWay, b: CallUnderWay) =>
  a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.callId < b.callId ? -1 : 1
const lineOf = (r: QueueRow) => r.team ?? `@${r.agent ?? '?'}`

type Line = {
  section: HTMLElement
  count: HTMLElement
  longest: HTMLElement
  empty: HTMLElement
  table: HTMLElement
  tbody: HTMLElement
}
type Drawn<T> = { row: T; tr: HTMLElement }

function reuse<T>(drawn: Map<string, Drawn<T>>, key: string, row: T, make: (row: T) => HTMLElement): HTMLElement {
  const was = drawn.get(key)
  if (was?.row === row) return was.tr
  const tr = make(row)
  drawn.set(key, { row, tr })
  return tr
}

/** Puts `wanted` in `parent` in that order, moving only what is out of place (re-inserting all would restyle all). */
function arrange(parent: Element, wanted: Element[]): void {
  const keep = new Set(wanted)
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove()
  let cursor = parent.firstElementChild
  for (const el of wanted) {
    if (el === cursor) cursor = cursor.nextElementSibling
    else parent.insertBefore(el, cursor)
  }
}

export function boardPage(root: HTMLElement, me: Me): () => void {
  const state = h('span', { class: 'state', id: 'live-state' }, t('reconnecting'))
  const queues = h('div', { class: 'queues' })
  const agentsBox = h('div')
  const callsBox = h('div')
  const body = h('div')
  replace(root, h('h1', {}, t('board'), ' ', state), body)
  // The page's copy of the board, kept up to date by the events.
  const queue = new Map<string, QueueRow>()
  const agents = new Map<string, AgentRow>()
  const teams = new Map<string, Team>()
  const calls = new Map<string, CallUnderWay>()
  let total = 0
  let received = false
  // What to draw again: only the lines a change touched, and in them only the rows that changed.
  const dirty = { all: true, lines: new Set<string>(), agents: true, calls: true }
  const lines = new Map<string, Line>()
  /** Rows drawn, by key, reused while their data is the same object (a delta brings new objects for changed rows). */
  const queueRows = new Map<string, Drawn<QueueRow>>()
  const agentRows = new Map<string, Drawn<AgentRow>>()
  const agentBody = h('tbody')
  agentsBox.append(
    h(
      'table',
      { id: 'agents' },
      h(
        'thead',
        {},
        h('tr', {}, ...[t('name'), t('status'), t('teams'), t('call'), t('rest'), ''].map((c) => h('th', {}, c))),
      ),
      agentBody,
    ),
  )
  let offset = 0
  const canSet = me.user.role !== 'viewer'

  const waitOf = (r: QueueRow) => (Date.now() + offset - Date.parse(r.enqueuedAt)) / 1000
  const lengthOf = (c: CallUnderWay) => (Date.now() + offset - Date.parse(c.startedAt)) / 1000
  const inStepOf = (c: CallUnderWay) => (c.stepAt ? (Date.now() + offset - Date.parse(c.stepAt)) / 1000 : undefined)
  /** The step, after its workflow's name when that is not the call's (the queued workflow). */
  const stepOf = (c: CallUnderWay) =>
    c.step === null ? '–' : c.stepWorkflow && c.stepWorkflow !== c.workflow ? `${c.stepWorkflow} › ${c.step}` : c.step

  function merge<T>(
    map: Map<string, T>,
    section: Section<T> | undefined,
    key: (row: T) => string,
    drawn?: Map<string, unknown>,
  ): boolean {
    if (!section) return false
    for (const k of section.removed) {
      map.delete(k)
      drawn?.delete(k)
    }
    for (const row of section.set) map.set(key(row), row)
    return true
  }

  function mergeQueue(section: Section<QueueRow> | undefined): void {
    if (!section) return
    for (const k of [...section.removed, ...section.set.map((r) => r.callId)]) {
      const was = queue.get(k)
      if (was) dirty.lines.add(lineOf(was))
    }
    for (const r of section.set) dirty.lines.add(lineOf(r))
    merge(queue, section, (r) => r.callId, queueRows)
  }

  function whole(b: Board): void {
    for (const map of [queue, agents, teams, calls, queueRows, agentRows]) map.clear()
    merge(queue, { set: b.queue, removed: [] }, (r) => r.callId)
    merge(agents, { set: b.agents, removed: [] }, (a) => a.name)
    merge(teams, { set: b.teams, removed: [] }, (x) => x.name)
    merge(calls, { set: b.underWay.calls, removed: [] }, (c) => c.callId)
    total = b.underWay.total
    Object.assign(dirty, { all: true, agents: true, calls: true })
  }

  function changed(d: Delta): void {
    mergeQueue(d.queue)
    if (merge(agents, d.agents, (a) => a.name, agentRows)) dirty.agents = true
    if (merge(teams, d.teams, (x) => x.name)) dirty.all = true
    if (merge(calls, d.underWay, (c) => c.callId)) {
      total = d.underWay!.total
      dirty.calls = true
    }
  }

  function draw(): void {
    const rowsOf = new Map<string, QueueRow[]>()
    for (const name of [...teams.keys()].sort(byName)) rowsOf.set(name, [])
    for (const r of [...queue.values()].sort(lineOrder)) {
      const key = lineOf(r)
      const rows = rowsOf.get(key)
      if (rows) rows.push(r)
      else rowsOf.set(key, [r])
    }
    for (const key of lines.keys()) if (!rowsOf.has(key)) lines.delete(key)
    for (const [key, rows] of rowsOf) {
      if (!dirty.all && !dirty.lines.has(key) && lines.has(key)) continue
      const l = lines.get(key) ?? lineShell(key)
      lines.set(key, l)
      fill(l, rows)
    }
    arrange(
      queues,
      [...rowsOf.keys()].map((key) => lines.get(key)!.section),
    )
    if (dirty.all || dirty.agents)
      arrange(
        agentBody,
        [...agents.values()].sort((a, b) => byName(a.name, b.name)).map((a) => reuse(agentRows, a.name, a, agentRow)),
      )
    if (dirty.all || dirty.calls) {
      const listed = [...calls.values()].sort(startOrder)
      replace(
        callsBox,
        h(
          'h2',
          {},
          t('underWay'),
          ' ',
          h('span', { class: 'count', id: 'under-way-count' }, String(total)),
          total > listed.length ? h('span', { class: 'muted' }, ` · ${t('shownOf')} (${listed.length})`) : null,
        ),
        underWay(listed),
      )
    }
    Object.assign(dirty, { all: false, agents: false, calls: false })
    dirty.lines.clear()
    if (!body.firstChild) replace(body, queues, h('h2', {}, t('agents')), agentsBox, callsBox)
  }

  /** A team's line (or an agent's own): its heading, and its table or the word that nobody waits. */
  function lineShell(team: string): Line {
    const count = h('span', { class: 'count' })
    const longest = h('span', { class: 'longest' })
    const empty = h('p', { class: 'muted' }, t('noQueue'))
    const tbody = h('tbody')
    const table = h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, ...[t('position'), t('caller'), t('wait'), t('priority'), t('state')].map((c) => h('th', {}, c))),
      ),
      tbody,
    )
    const section = h(
      'section',
      { class: 'team', 'data-team': team },
      h('h2', {}, team, ' ', count, longest),
      empty,
      table,
    )
    return { section, count, longest, empty, table, tbody }
  }

  /** The line's rows in its order, numbered; the ringing are not counted in it. */
  function fill(l: Line, rows: QueueRow[]): void {
    l.count.textContent = `${rows.length} ${t('waiting')}`
    const longest = rows.reduce((m, r) => Math.max(m, waitOf(r)), 0)
    l.longest.textContent = rows.length > 0 ? ` · ${t('longest')} ${duration(longest)}` : ''
    l.empty.hidden = rows.length > 0
    l.table.hidden = rows.length === 0
    let position = 0
    const trs = rows.map((r) => {
      const tr = reuse(queueRows, r.callId, r, queueRow)
      const cell = tr.firstElementChild!
      const shown = r.state === 'ringing' ? '-' : String(++position)
      if (cell.textContent !== shown) cell.textContent = shown
      return tr
    })
    arrange(l.tbody, trs)
  }

  function queueRow(r: QueueRow): HTMLElement {
    return h(
      'tr',
      { 'data-call': r.callId },
      h('td', {}),
      h('td', {}, r.caller),
      h('td', { class: 'wait' }, duration(waitOf(r))),
      h('td', {}, r.priority),
      h('td', {}, word(r.state)),
    )
  }

  function agentRow(a: AgentRow): HTMLElement {
    return h(
      'tr',
      { 'data-agent': a.name },
      h('td', {}, a.title ? `${a.name} (${a.title})` : a.name),
      h('td', { class: `status ${a.status}` }, word(a.status)),
      h('td', {}, a.teams.join(', ')),
      h('td', {}, a.reservedBy ?? '-'),
      h(
        'td',
        {},
        a.restUntil ? `${a.restReason ?? ''}${a.restCause ? ` (${a.restCause})` : ''} → ${time(a.restUntil)}` : '-',
      ),
      h('td', {}, canSet ? statusSelect(a) : null),
    )
  }

  function underWay(calls: CallUnderWay[]): HTMLElement {
    if (calls.length === 0) return h('p', { class: 'muted' }, t('noCalls'))
    return h(
      'table',
      { id: 'under-way' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            t('caller'),
            t('dialed'),
            t('workflowName'),
            t('currentStep'),
            t('inStep'),
            t('duration'),
            t('router'),
          ].map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        calls.map((c) =>
          h(
            'tr',
            { 'data-call': c.callId },
            h('td', {}, c.caller),
            h('td', {}, c.dialed),
            h('td', {}, c.workflow),
            h('td', { class: 'step' }, stepOf(c)),
            h('td', { class: 'in-step' }, inStepOf(c) === undefined ? '' : duration(inStepOf(c)!)),
            h('td', { class: 'length' }, duration(lengthOf(c))),
            h('td', {}, c.routerAlive ? c.router : `${c.router} (${t('routerStopped')})`),
          ),
        ),
      ),
    )
  }

  function statusSelect(a: AgentRow): HTMLElement {
    const select = h(
      'select',
      { 'aria-label': `${t('setStatus')} ${a.name}`, name: `status-${a.name}` },
      (['available', 'away', 'offline'] as const).map((s) =>
        h('option', { value: s, selected: s === a.status }, word(s)),
      ),
    )
    select.addEventListener('change', () => {
      void api('POST', `agents/${encodeURIComponent(a.name)}/status`, { status: select.value }).catch((err: Error) =>
        alert(err.message),
      )
    })
    return select
  }

  const events = new EventSource('api/board/events')
  const onEvent = (apply: (data: string) => string) => (e: Event) => {
    offset = Date.parse(apply((e as MessageEvent<string>).data)) - Date.now()
    state.textContent = t('live')
    state.className = 'state live'
    draw()
  }
  events.addEventListener(
    'board',
    onEvent((data) => {
      const b = JSON.parse(data) as Board
      whole(b)
      received = true
      return b.serverTime
    }),
  )
  events.addEventListener(
    'board-delta',
    onEvent((data) => {
      const d = JSON.parse(data) as Delta
      changed(d)
      return d.serverTime
    }),
  )
  events.addEventListener('error', () => {
    state.textContent = t('reconnecting')
    state.className = 'state'
  })
  // Only the waits move between pushes: redraw them each second from the local clock.
  const tick = setInterval(() => {
    if (!received) return
    const oldest = new Map<string, number>()
    for (const cell of queues.querySelectorAll<HTMLElement>('tr[data-call] td.wait')) {
      const row = queue.get(cell.parentElement?.dataset.call ?? '')
      if (!row) continue
      const wait = waitOf(row)
      cell.textContent = duration(wait)
      const key = lineOf(row)
      oldest.set(key, Math.max(oldest.get(key) ?? 0, wait))
    }
    for (const [key, wait] of oldest) {
      const longest = lines.get(key)?.longest
      if (longest) longest.textContent = ` · ${t('longest')} ${duration(wait)}`
    }
    for (const row of callsBox.querySelectorAll<HTMLElement>('#under-way tr[data-call]')) {
      const call = calls.get(row.dataset.call ?? '')
      if (!call) continue
      row.querySelector('td.length')!.textContent = duration(lengthOf(call))
      const inStep = inStepOf(call)
      if (inStep !== undefined) row.querySelector('td.in-step')!.textContent = duration(inStep)
    }
  }, 1000)
  return () => {
    events.close()
    clearInterval(tick)
  }
}

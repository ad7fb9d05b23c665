/**
 * The live board: each team's line (position, caller, wait, priority, state) with its count and longest wait, the
 * agents (status, current call, rest and why), and the calls in progress on every router (the longest first). Pushed by the server (EventSource); waits tick here, from the
 * server's clock, so the page never asks again.
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
  position: number | null
  state: 'waiting' | 'ringing' | 'workflow'
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
type Board = {
  serverTime: string
  teams: { name: string; title: string | null }[]
  queue: QueueRow[]
  agents: AgentRow[]
  underWay: { total: number; calls: CallUnderWay[] }
}

export function boardPage(root: HTMLElement, me: Me): () => void {
  const state = h('span', { class: 'state', id: 'live-state' }, t('reconnecting'))
  const body = h('div')
  replace(root, h('h1', {}, t('board'), ' ', state), body)
  let board: Board | undefined
  let offset = 0
  const canSet = me.user.role !== 'viewer'

  const waitOf = (r: QueueRow) => (Date.now() + offset - Date.parse(r.enqueuedAt)) / 1000
  const lengthOf = (c: CallUnderWay) => (Date.now() + offset - Date.parse(c.startedAt)) / 1000
  const inStepOf = (c: CallUnderWay) => (c.stepAt ? (Date.now() + offset - Date.parse(c.stepAt)) / 1000 : undefined)
  /** The step, after its workflow's name when that is not the call's (the queued workflow). */
  const stepOf = (c: CallUnderWay) =>
    c.step === null ? '–' : c.stepWorkflow && c.stepWorkflow !== c.workflow ? `${c.stepWorkflow} › ${c.step}` : c.step

  function draw(): void {
    if (!board) return
    const b = board
    const lines = new Map<string, QueueRow[]>()
    for (const team of b.teams) lines.set(team.name, [])
    for (const r of b.queue) {
      const key = r.team ?? `@${r.agent ?? '?'}`
      lines.set(key, [...(lines.get(key) ?? []), r])
    }
    const teamSections = [...lines].map(([team, rows]) => {
      const longest = rows.reduce((m, r) => Math.max(m, waitOf(r)), 0)
      return h(
        'section',
        { class: 'team', 'data-team': team },
        h(
          'h2',
          {},
          team,
          ' ',
          h('span', { class: 'count' }, `${rows.length} ${t('waiting')}`),
          rows.length > 0 ? h('span', { class: 'longest' }, ` · ${t('longest')} ${duration(longest)}`) : null,
        ),
        rows.length === 0
          ? h('p', { class: 'muted' }, t('noQueue'))
          : h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ...[t('position'), t('caller'), t('wait'), t('priority'), t('state')].map((c) => h('th', {}, c)),
                ),
              ),
              h(
                'tbody',
                {},
                rows.map((r) =>
                  h(
                    'tr',
                    { 'data-call': r.callId },
                    h('td', {}, r.position ?? '-'),
                    h('td', {}, r.caller),
                    h('td', { class: 'wait' }, duration(waitOf(r))),
                    h('td', {}, r.priority),
                    h('td', {}, word(r.state)),
                  ),
                ),
              ),
            ),
      )
    })
    const agents = h(
      'table',
      { id: 'agents' },
      h(
        'thead',
        {},
        h('tr', {}, ...[t('name'), t('status'), t('teams'), t('call'), t('rest'), ''].map((c) => h('th', {}, c))),
      ),
      h(
        'tbody',
        {},
        b.agents.map((a) =>
          h(
            'tr',
            { 'data-agent': a.name },
            h('td', {}, a.title ? `${a.name} (${a.title})` : a.name),
            h('td', { class: `status ${a.status}` }, word(a.status)),
            h('td', {}, a.teams.join(', ')),
            h('td', {}, a.reservedBy ?? '-'),
            h(
              'td',
              {},
              a.restUntil
                ? `${a.restReason ?? ''}${a.restCause ? ` (${a.restCause})` : ''} → ${time(a.restUntil)}`
                : '-',
            ),
            h('td', {}, canSet ? statusSelect(a) : null),
          ),
        ),
      ),
    )
    replace(
      body,
      h('div', { class: 'queues' }, teamSections),
      h('h2', {}, t('agents')),
      agents,
      h(
        'h2',
        {},
        t('underWay'),
        ' ',
        h('span', { class: 'count', id: 'under-way-count' }, String(b.underWay.total)),
        b.underWay.total > b.underWay.calls.length
          ? h('span', { class: 'muted' }, ` · ${t('shownOf')} (${b.underWay.calls.length})`)
          : null,
      ),
      underWay(b.underWay.calls),
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
  events.addEventListener('board', (e) => {
    board = JSON.parse((e as MessageEvent<string>).data) as Board
    offset = Date.parse(board.serverTime) - Date.now()
    state.textContent = t('live')
    state.className = 'state live'
    draw()
  })
  events.addEventListener('error', () => {
    state.textContent = t('reconnecting')
    state.className = 'state'
  })
  // Only the waits move between pushes: redraw them each second from the local clock.
  const tick = setInterval(() => {
    if (!board) return
    for (const cell of body.querySelectorAll<HTMLElement>('tr[data-call] td.wait')) {
      const row = board.queue.find((r) => r.callId === cell.parentElement?.dataset.call)
      if (row) cell.textContent = duration(waitOf(row))
    }
    for (const row of body.querySelectorAll<HTMLElement>('#under-way tr[data-call]')) {
      const call = board.underWay.calls.find((c) => c.callId === row.dataset.call)
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

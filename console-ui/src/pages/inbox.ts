/** The inbox: missed calls and voicemails, filtered by status, team, reason and dates; resolve / reopen with a note. */
import { api, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { duration, t, time, word } from '../i18n.js'

type Item = {
  id: number
  reason: string
  caller: string
  callerName: string
  contact: string | null
  team: string | null
  fields: Record<string, string>
  waitSeconds: number
  recording: { path: string; seconds: number } | null
  createdAt: string
  resolvedAt: string | null
  resolvedBy: string | null
  note: string | null
  steps: string[]
}

export function inboxPage(root: HTMLElement, me: Me): () => void {
  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: 'open' }, t('open')),
    h('option', { value: 'resolved' }, t('resolved')),
    h('option', { value: 'all' }, t('all')),
  )
  const team = h('input', { name: 'team', placeholder: t('anyTeam') })
  const reason = h(
    'select',
    { name: 'reason' },
    h('option', { value: '' }, t('anyReason')),
    ['queue_abandoned', 'workflow_hangup', 'voicemail', 'router_lost', 'callback_failed'].map((r) =>
      h('option', { value: r }, word(r)),
    ),
  )
  const since = h('input', { name: 'since', type: 'date' })
  const until = h('input', { name: 'until', type: 'date' })
  const list = h('div')
  const error = h('p', { class: 'error', role: 'alert' })
  const canWork = me.user.role !== 'viewer'

  async function load(): Promise<void> {
    const q = new URLSearchParams({ status: status.value })
    if (team.value.trim()) q.set('team', team.value.trim())
    if (reason.value) q.set('reason', reason.value)
    // The dates are the operator's days: their midnights in this browser's time zone.
    if (since.value) q.set('since', new Date(`${since.value}T00:00`).toISOString())
    if (until.value) q.set('until', new Date(new Date(`${until.value}T00:00`).getTime() + 86_400_000).toISOString())
    try {
      draw(await api<Item[]>('GET', `inbox?${q}`))
      error.textContent = ''
    } catch (err) {
      error.textContent = (err as Error).message
    }
  }

  function draw(items: Item[]): void {
    if (items.length === 0) return replace(list, h('p', { class: 'muted' }, t('empty')))
    replace(
      list,
      h(
        'table',
        { id: 'inbox' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              t('when'),
              t('reason'),
              t('caller'),
              t('team'),
              t('wait'),
              t('fields'),
              t('recording'),
              t('status'),
              t('note'),
              '',
            ].map((c) => h('th', {}, c)),
          ),
        ),
        h('tbody', {}, items.map(row)),
      ),
    )
  }

  function row(i: Item): HTMLElement {
    const note = h('input', { name: `note-${i.id}`, value: i.note ?? '', 'aria-label': t('note') })
    const act = async (what: 'resolve' | 'reopen') => {
      try {
        await api('POST', `inbox/${i.id}/${what}`, what === 'resolve' && note.value ? { note: note.value } : {})
        await load()
      } catch (err) {
        error.textContent = (err as Error).message
      }
    }
    const who = i.contact ?? (i.callerName || null)
    return h(
      'tr',
      { 'data-inbox': i.id },
      h('td', {}, time(i.createdAt)),
      h('td', {}, word(i.reason)),
      h('td', {}, i.caller, who ? h('div', { class: 'muted' }, who) : null),
      h('td', {}, i.team ?? '-'),
      h('td', {}, duration(i.waitSeconds)),
      h(
        'td',
        {},
        Object.entries(i.fields).map(([k, v]) => h('div', {}, `${k}: ${v}`)),
      ),
      h('td', { class: 'path' }, i.steps.join(' → ') || '-'),
      h('td', {}, i.recording ? player(i.id) : '-'),
      h(
        'td',
        {},
        i.resolvedAt
          ? `${t('resolved')} ${time(i.resolvedAt)}${i.resolvedBy ? ` · ${t('resolvedBy')} ${i.resolvedBy}` : ''}`
          : t('open'),
      ),
      h('td', {}, canWork ? note : (i.note ?? '')),
      h(
        'td',
        {},
        canWork
          ? i.resolvedAt
            ? h('button', { type: 'button', onclick: () => act('reopen') }, t('reopen'))
            : h('button', { type: 'button', onclick: () => act('resolve') }, t('resolve'))
          : null,
      ),
    )
  }

  /** The recording in the page (streamed with range requests); when it cannot play, the server's reason. */
  function player(id: number): HTMLElement {
    const src = `api/inbox/${id}/recording`
    const audio = h('audio', { controls: true, preload: 'metadata', src })
    const why = h('div', { class: 'error' })
    audio.addEventListener('error', () => {
      void fetch(src, { headers: { range: 'bytes=0-0' } })
        .then((r) => r.json() as Promise<{ error?: string }>)
        .then((b) => (why.textContent = b.error ?? ''))
        .catch(() => (why.textContent = t('empty')))
    })
    return h('div', { class: 'recording' }, audio, why)
  }

  for (const input of [status, team, reason, since, until]) input.addEventListener('change', () => void load())
  replace(
    root,
    h('h1', {}, t('inbox')),
    h(
      'div',
      { class: 'filters' },
      h('label', {}, t('status'), status),
      h('label', {}, t('team'), team),
      h('label', {}, t('reason'), reason),
      h('label', {}, t('from'), since),
      h('label', {}, t('to'), until),
    ),
    error,
    list,
  )
  void load()
  return () => {}
}

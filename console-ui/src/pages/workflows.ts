/**
 * Workflows in the order the router tries them (the first enabled incoming one answers unbound numbers), one
 * workflow's versions and document, and applying documents (admins) with each problem at its exact path.
 */
import { api, ApiError, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { t, time } from '../i18n.js'
import { funnelSection } from './funnel.js'

type Summary = {
  name: string
  title: string | null
  enabled: boolean
  trigger: 'incoming' | 'queued'
  priority: number
  version: number
  versions: number
  numbers: string[]
}
type Detail = Summary & {
  yaml: string
  versionsList: { version: number; importedAt: string; importedBy: string; note: string | null; current: boolean }[]
}
type Diagnostic = { document?: string; path: string; message: string; line?: number }

export function workflowsPage(root: HTMLElement, me: Me): () => void {
  const list = h('div')
  const error = h('p', { class: 'error', role: 'alert' })
  async function load(): Promise<void> {
    const workflows = await api<Summary[]>('GET', 'workflows')
    replace(
      list,
      h(
        'table',
        { id: 'workflows' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t('name'), t('trigger'), t('priority'), t('enabled'), t('numbers'), t('version')].map((c) =>
              h('th', {}, c),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          workflows.map((w) =>
            h(
              'tr',
              { 'data-workflow': w.name },
              h(
                'td',
                {},
                h('a', { href: `#/workflows/${encodeURIComponent(w.name)}` }, w.name),
                w.title ? ` ${w.title}` : '',
              ),
              h('td', {}, w.trigger),
              h('td', {}, w.priority),
              h('td', {}, w.enabled ? '✓' : t('disabled')),
              h('td', {}, w.numbers.join(', ') || '-'),
              h('td', {}, `${w.version} / ${w.versions}`),
            ),
          ),
        ),
      ),
    )
  }
  replace(
    root,
    h('h1', {}, t('workflows')),
    error,
    list,
    me.user.role === 'admin' ? [recipeForm(() => void load()), applyForm(() => void load())] : null,
  )
  load().catch((err: Error) => (error.textContent = err.message))
  return () => {}
}

/** A shipped recipe in one click: applied as `ivr-router recipe show NAME | ivr-router apply -` would. */
function recipeForm(onApplied: () => void): HTMLElement {
  const select = h('select', { name: 'recipe' })
  const result = h('p', { id: 'recipe-result', role: 'status' })
  void api<{ name: string; title: string }[]>('GET', 'recipes').then((list) =>
    replace(
      select,
      list.map((r) => h('option', { value: r.name }, `${r.name} — ${r.title}`)),
    ),
  )
  const form = h(
    'form',
    { class: 'filters', id: 'recipe' },
    select,
    h('button', { type: 'submit' }, t('applyRecipe')),
    result,
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      const done = await api<{ report: { items: { kind: string; name: string; change: string }[] } }>(
        'POST',
        'recipes/apply',
        { recipe: select.value },
      )
      result.className = 'ok'
      result.textContent = done.report.items.map((i) => `${i.kind} ${i.name}: ${i.change}`).join(', ')
      onApplied()
    } catch (err) {
      result.className = 'error'
      result.textContent = (err as Error).message
    }
  })
  return form
}

function applyForm(onApplied: () => void): HTMLElement {
  const text = h('textarea', { name: 'yaml', rows: 14, spellcheck: false, 'aria-label': t('applyTitle') })
  const note = h('input', { name: 'note', placeholder: t('note') })
  const result = h('div', { id: 'apply-result', role: 'status' })
  const form = h(
    'form',
    { class: 'apply' },
    h('h2', {}, t('applyTitle')),
    text,
    note,
    h('button', { type: 'submit' }, t('apply')),
    result,
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      const done = await api<{ report: { items: { kind: string; name: string; change: string }[] } }>('POST', 'apply', {
        yaml: text.value,
        ...(note.value ? { note: note.value } : {}),
      })
      replace(
        result,
        h('p', { class: 'ok' }, t('applied')),
        h(
          'ul',
          {},
          done.report.items.map((i) => h('li', {}, `${i.kind} ${i.name}: ${i.change}`)),
        ),
      )
      onApplied()
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      const diagnostics = (err.body.diagnostics as Diagnostic[] | undefined) ?? []
      const reasons = (err.body.reasons as string[] | undefined) ?? []
      const problems = err.body.problems ?? []
      replace(
        result,
        h(
          'p',
          { class: 'error' },
          err.message === 'not applied' ? t('notApplied') : `${t('notApplied')}: ${err.message}`,
        ),
        h(
          'ul',
          { class: 'problems' },
          diagnostics.map((d) =>
            h(
              'li',
              { 'data-path': d.path },
              [d.document, d.line === undefined ? undefined : `line ${d.line}`].filter(Boolean).join(', '),
              d.path ? [': ', h('code', {}, d.path)] : null,
              `: ${d.message}`,
            ),
          ),
          reasons.map((r) => h('li', {}, r)),
          problems.map((p) => h('li', { 'data-path': p.path }, h('code', {}, p.path), `: ${p.message}`)),
        ),
      )
    }
  })
  return form
}

export function workflowPage(root: HTMLElement, me: Me, name: string): () => void {
  const admin = me.user.role === 'admin'
  const message = h('p', { id: 'workflow-message', role: 'status' })
  const diff = h('pre', { id: 'diff', hidden: true })
  const path = encodeURIComponent(name)

  async function change(what: string, body: object): Promise<void> {
    try {
      await api('POST', `workflows/${path}/${what}`, body)
      message.className = 'ok'
      message.textContent = '✓'
      await load()
    } catch (err) {
      message.className = 'error'
      message.textContent = (err as Error).message
    }
  }

  async function showDiff(from: number, to: number): Promise<void> {
    const d = await api<{ lines: { op: string; text: string }[] }>(
      'GET',
      `workflows/${path}/diff?from=${from}&to=${to}`,
    )
    replace(
      diff,
      d.lines.map((l) =>
        h('span', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : undefined }, `${l.op} ${l.text}\n`),
      ),
    )
    diff.hidden = false
  }

  async function load(): Promise<void> {
    const w = await api<Detail>('GET', `workflows/${path}`)
    diff.hidden = true
    replace(
      root,
      h('p', {}, h('a', { href: '#/workflows' }, `← ${t('back')}`)),
      h('h1', {}, w.name, w.title ? ` — ${w.title}` : ''),
      message,
      h(
        'dl',
        {},
        h('dt', {}, t('trigger')),
        h('dd', {}, w.trigger),
        h('dt', {}, t('priority')),
        h('dd', {}, w.priority),
        h('dt', {}, t('enabled')),
        h(
          'dd',
          {},
          w.enabled ? '✓ ' : `${t('disabled')} `,
          admin
            ? h(
                'button',
                { type: 'button', id: 'toggle-enabled', onclick: () => change('enabled', { enabled: !w.enabled }) },
                w.enabled ? t('disable') : t('enable'),
              )
            : null,
        ),
        h('dt', {}, t('numbers')),
        h('dd', {}, w.numbers.join(', ') || '-'),
      ),
      h('h2', {}, t('versions')),
      h(
        'ul',
        { id: 'versions' },
        w.versionsList.map((v) =>
          h(
            'li',
            { class: v.current ? 'current' : undefined, 'data-version': v.version },
            `${v.version} · ${time(v.importedAt)} · ${v.importedBy}${v.note ? ` · ${v.note}` : ''} `,
            v.current
              ? null
              : [
                  h(
                    'button',
                    { type: 'button', class: 'diff', onclick: () => void showDiff(v.version, w.version) },
                    t('diff'),
                  ),
                  admin
                    ? h(
                        'button',
                        {
                          type: 'button',
                          class: 'rollback',
                          onclick: () => change('rollback', { version: v.version }),
                        },
                        t('rollback'),
                      )
                    : null,
                ],
          ),
        ),
      ),
      diff,
      funnelSection(w.name),
      w.trigger === 'incoming' ? tryCall(w.name) : null,
      h('pre', { id: 'yaml' }, w.yaml),
    )
  }

  replace(root, h('p', {}, '…'))
  load().catch((err: Error) => replace(root, h('p', { class: 'error' }, err.message)))
  return () => {}
}

type SimResult = { outcome: string; steps: string[]; inbox: { reason: string } | null; transcript: string[] }

/** Local date and time for a datetime-local input. */
function localNow(): string {
  const d = new Date()
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

/** "Try a call": the simulator in the page, on the stored workflow, at a time in the operator's zone. */
function tryCall(workflow: string): HTMLElement {
  const caller = h('input', { name: 'sim-caller', value: '010-1234-5678' })
  const at = h('input', { name: 'sim-at', type: 'datetime-local', value: localNow() })
  const keys = h('input', { name: 'sim-keys', placeholder: '1,_' })
  const connect = h('input', { name: 'sim-connect', placeholder: 'no-answer,answer' })
  const result = h('div', { id: 'sim-result' })
  const list = (v: string) => (v.trim() === '' ? [] : v.split(',').map((x) => (x.trim() === '_' ? '' : x.trim())))
  const form = h(
    'form',
    { class: 'filters', id: 'try-call' },
    h('label', {}, t('caller'), caller),
    h('label', {}, t('when'), at),
    h('label', {}, t('keys'), keys),
    h('label', {}, t('connect'), connect),
    h('button', { type: 'submit' }, t('run')),
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      const r = await api<SimResult>('POST', 'simulate', {
        workflow,
        caller: caller.value,
        at: new Date(at.value).toISOString(),
        keys: list(keys.value),
        connect: list(connect.value),
      })
      replace(
        result,
        h(
          'p',
          { class: 'ok', id: 'sim-outcome' },
          `${t('outcome')}: ${r.outcome}${r.inbox ? ` (${r.inbox.reason})` : ''} · ${r.steps.join(' → ')}`,
        ),
        h('pre', { id: 'transcript' }, r.transcript.join('\n')),
      )
    } catch (err) {
      const problems = err instanceof ApiError ? (err.body.problems ?? []) : []
      replace(
        result,
        h('p', { class: 'error' }, (err as Error).message),
        h(
          'ul',
          {},
          problems.map((p) => h('li', { 'data-path': p.path }, `${p.path}: ${p.message}`)),
        ),
      )
    }
  })
  return h('section', { class: 'try-call' }, h('h2', {}, t('tryCall')), form, result)
}

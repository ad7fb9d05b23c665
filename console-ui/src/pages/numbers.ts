/** Numbers: which workflow each dialled number runs; admins bind and unbind, with the CLI's refusals word for word. */
import { api, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { t, time } from '../i18n.js'

type Binding = { number: string; workflow: string; enabled: boolean; createdAt: string }
type Summary = { name: string; trigger: string; enabled: boolean }

export function numbersPage(root: HTMLElement, me: Me): () => void {
  const admin = me.user.role === 'admin'
  const list = h('div')
  const message = h('p', { id: 'numbers-message', role: 'status' })
  const number = h('input', { name: 'number', placeholder: '070-1234-5678', required: true })
  const workflow = h('select', { name: 'workflow' })

  async function change(path: 'bind' | 'unbind', body: object, done: (r: Record<string, string | null>) => string) {
    try {
      const r = await api<Record<string, string | null>>('POST', `numbers/${path}`, body)
      message.className = 'ok'
      message.textContent = done(r)
      await load()
    } catch (err) {
      message.className = 'error'
      message.textContent = (err as Error).message
    }
  }

  async function load(): Promise<void> {
    const [bindings, workflows] = await Promise.all([
      api<Binding[]>('GET', 'numbers'),
      api<Summary[]>('GET', 'workflows'),
    ])
    replace(
      workflow,
      workflows.filter((w) => w.trigger === 'incoming').map((w) => h('option', { value: w.name }, w.name)),
    )
    replace(
      list,
      h(
        'table',
        { id: 'numbers' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t('number'), t('workflowName'), t('bound'), ''].map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          bindings.map((b) =>
            h(
              'tr',
              { 'data-number': b.number },
              h('td', {}, b.number),
              h('td', {}, b.workflow, b.enabled ? '' : ` (${t('disabled')})`),
              h('td', {}, time(b.createdAt)),
              h(
                'td',
                {},
                admin
                  ? h(
                      'button',
                      {
                        type: 'button',
                        onclick: () =>
                          change(
                            'unbind',
                            { number: b.number },
                            (r) => `${r.number} ⇢ ${r.workflow}: ${t('unbind')} ✓`,
                          ),
                      },
                      t('unbind'),
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
    )
  }

  const form = h(
    'form',
    { class: 'filters', id: 'bind' },
    h('label', {}, t('number'), number),
    h('label', {}, t('workflowName'), workflow),
    h('button', { type: 'submit' }, t('bind')),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void change('bind', { number: number.value, workflow: workflow.value }, (r) => `${r.number} → ${r.workflow} ✓`)
  })
  replace(root, h('h1', {}, t('numbers')), admin ? form : null, message, list)
  load().catch((err: Error) => (message.textContent = err.message))
  return () => {}
}

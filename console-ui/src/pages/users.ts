/**
 * Accounts (admins only): who may use the console, with which role; add, remove, change a role and set a password
 * as `ivr-router user` does. Not one's own account (Account changes one's password).
 */
import { api, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { t, time } from '../i18n.js'

type User = { name: string; role: string; createdAt: string }

export function usersPage(root: HTMLElement, me: Me): () => void {
  const list = h('div')
  const message = h('p', { id: 'users-message', role: 'status' })
  const name = h('input', { name: 'new-name', autocomplete: 'off', required: true })
  const role = h(
    'select',
    { name: 'new-role' },
    ['viewer', 'supervisor', 'admin'].map((r) => h('option', { value: r }, r)),
  )
  const password = h('input', { name: 'new-password', type: 'password', autocomplete: 'new-password', required: true })

  const say = (ok: boolean, text: string) => {
    message.className = ok ? 'ok' : 'error'
    message.textContent = text
  }

  async function load(): Promise<void> {
    const users = await api<User[]>('GET', 'users')
    replace(
      list,
      h(
        'table',
        { id: 'users' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t('name'), t('role'), t('created'), t('setPassword'), ''].map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          users.map((u) =>
            h(
              'tr',
              { 'data-user': u.name },
              h('td', {}, u.name),
              h('td', {}, u.name === me.user.name ? u.role : roleSelect(u)),
              h('td', {}, time(u.createdAt)),
              h('td', {}, u.name === me.user.name ? null : passwordSetter(u)),
              h(
                'td',
                {},
                u.name === me.user.name
                  ? null
                  : h(
                      'button',
                      {
                        type: 'button',
                        onclick: async () => {
                          try {
                            await api('POST', 'users/remove', { name: u.name })
                            say(true, `${u.name} ✓`)
                            await load()
                          } catch (err) {
                            say(false, (err as Error).message)
                          }
                        },
                      },
                      t('remove'),
                    ),
              ),
            ),
          ),
        ),
      ),
    )
  }

  /** Changes the role at once (audited); the user's sessions go on with the new one. */
  function roleSelect(u: User): HTMLElement {
    const select = h(
      'select',
      { name: `role-${u.name}`, 'aria-label': `${t('role')} ${u.name}` },
      ['viewer', 'supervisor', 'admin'].map((r) => h('option', { value: r, selected: r === u.role }, r)),
    )
    select.addEventListener('change', async () => {
      try {
        await api('POST', 'users/role', { name: u.name, role: select.value })
        say(true, `${u.name} (${select.value}) ✓`)
      } catch (err) {
        say(false, (err as Error).message)
        await load()
      }
    })
    return select
  }

  /** Sets another user's password (it logs them out everywhere). */
  function passwordSetter(u: User): HTMLElement {
    const input = h('input', {
      name: `password-${u.name}`,
      type: 'password',
      autocomplete: 'new-password',
      'aria-label': `${t('setPassword')} ${u.name}`,
    })
    const form = h('form', { class: 'inline', 'data-password': u.name }, input, h('button', { type: 'submit' }, '✓'))
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      try {
        await api('POST', 'users/password', { name: u.name, password: input.value })
        input.value = ''
        say(true, `${u.name}: ${t('setPassword')} ✓`)
      } catch (err) {
        say(false, (err as Error).message)
      }
    })
    return form
  }

  const form = h(
    'form',
    { class: 'filters', id: 'add-user' },
    h('label', {}, t('name'), name),
    h('label', {}, t('role'), role),
    h('label', {}, t('password'), password),
    h('button', { type: 'submit' }, t('addUser')),
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      await api('POST', 'users', { name: name.value, role: role.value, password: password.value })
      say(true, `${name.value} (${role.value}) ✓`)
      password.value = ''
      await load()
    } catch (err) {
      say(false, (err as Error).message)
    }
  })
  replace(root, h('h1', {}, t('users')), form, message, list)
  load().catch((err: Error) => say(false, err.message))
  return () => {}
}

/** The log-in form. */
import { api, ApiError, type Me } from '../api.js'
import { h } from '../dom.js'
import { t } from '../i18n.js'

export function loginPage(onLogin: (me: Me) => void): HTMLElement {
  const name = h('input', { name: 'name', autocomplete: 'username', required: true })
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const message = h('p', { class: 'error', role: 'alert' })
  const form = h(
    'form',
    { class: 'login' },
    h('h1', {}, t('title')),
    h('label', {}, t('name'), name),
    h('label', {}, t('password'), password),
    h('button', { type: 'submit' }, t('login')),
    message,
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      onLogin(await api<Me>('POST', 'session', { name: name.value, password: password.value }))
    } catch (err) {
      message.textContent = err instanceof ApiError && err.status === 429 ? t('tooMany') : t('wrongLogin')
    }
  })
  return form
}

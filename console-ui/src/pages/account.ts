/** Account (every role): change one's own password, knowing the current one; the other sessions are logged out. */
import { api, setCsrf, type Me } from '../api.js'
import { h, replace } from '../dom.js'
import { t } from '../i18n.js'

export function accountPage(root: HTMLElement, me: Me): () => void {
  const message = h('p', { id: 'account-message', role: 'status' })
  const current = h('input', { name: 'current-password', type: 'password', autocomplete: 'current-password' })
  const next = h('input', { name: 'new-password', type: 'password', autocomplete: 'new-password' })
  const form = h(
    'form',
    { class: 'filters', id: 'change-password' },
    h('label', {}, t('currentPassword'), current),
    h('label', {}, t('newPassword'), next),
    h('button', { type: 'submit' }, t('changePassword')),
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      // The change ends every session of the account; the answer carries this page's new one.
      const renewed = await api<Me>('POST', 'session/password', { current: current.value, password: next.value })
      setCsrf(renewed.csrf)
      current.value = ''
      next.value = ''
      message.className = 'ok'
      message.textContent = t('passwordChanged')
    } catch (err) {
      message.className = 'error'
      message.textContent = (err as Error).message
    }
  })
  replace(root, h('h1', {}, t('account'), ' ', h('span', { class: 'muted' }, me.user.name)), form, message)
  return () => {}
}

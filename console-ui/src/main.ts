/** The console's shell: log in, the navigation, the language switch, and one page per hash route. */
import { api, ApiError, setCsrf, type Me } from './api.js'
import { h, replace } from './dom.js'
import { lang, setLang, t } from './i18n.js'
import { accountPage } from './pages/account.js'
import { loginPage } from './pages/login.js'
import { boardPage } from './pages/board.js'
import { inboxPage } from './pages/inbox.js'
import { numbersPage } from './pages/numbers.js'
import { reportsPage } from './pages/reports.js'
import { usersPage } from './pages/users.js'
import { workflowPage, workflowsPage } from './pages/workflows.js'

const app = document.getElementById('app')!
let me: Me | undefined
let cleanup: (() => void) | undefined

async function start(): Promise<void> {
  try {
    me = await api<Me>('GET', 'session')
    setCsrf(me.csrf)
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err
    me = undefined
  }
  render()
}

function render(): void {
  cleanup?.()
  cleanup = undefined
  document.title = t('title')
  if (!me) {
    replace(
      app,
      loginPage((who) => {
        me = who
        setCsrf(who.csrf)
        render()
      }),
    )
    return
  }
  const main = h('main')
  const route = location.hash.replace(/^#\/?/, '') || 'board'
  const [page, arg] = route.split('/')
  const link = (to: string, label: string) =>
    h('a', { href: `#/${to}`, class: page === to ? 'active' : undefined, 'data-nav': to }, label)
  replace(
    app,
    h(
      'header',
      {},
      h('strong', {}, t('title')),
      h(
        'nav',
        {},
        link('board', t('board')),
        link('inbox', t('inbox')),
        link('workflows', t('workflows')),
        link('numbers', t('numbers')),
        link('reports', t('reports')),
        me.user.role === 'admin' ? link('users', t('users')) : null,
        link('account', t('account')),
      ),
      h('span', { class: 'who' }, `${me.user.name} (${me.user.role})`),
      h(
        'button',
        { type: 'button', id: 'lang', onclick: () => (setLang(lang === 'ko' ? 'en' : 'ko'), render()) },
        t('language'),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'logout',
          onclick: async () => {
            await api('DELETE', 'session').catch(() => undefined)
            me = undefined
            render()
          },
        },
        t('logout'),
      ),
    ),
    main,
  )
  if (page === 'inbox') cleanup = inboxPage(main, me)
  else if (page === 'workflows' && arg) cleanup = workflowPage(main, me, decodeURIComponent(arg))
  else if (page === 'workflows') cleanup = workflowsPage(main, me)
  else if (page === 'numbers') cleanup = numbersPage(main, me)
  else if (page === 'reports') cleanup = reportsPage(main, me)
  else if (page === 'users' && me.user.role === 'admin') cleanup = usersPage(main, me)
  else if (page === 'account') cleanup = accountPage(main, me)
  else cleanup = boardPage(main, me)
}

window.addEventListener('hashchange', render)
void start()

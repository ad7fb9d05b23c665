/**
 * `serve --console` end to end, as an operator runs it: serve as a process on the database with the console
 * (IVR_CONSOLE), a call from the FreeSWITCH simulator that waits in its team's line, seen in chromium on the live
 * board, leaving it when the caller hangs up, and then in the inbox as a missed call.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { CONSOLE_UI_DIR } from '../../lib/console/server.js'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { bindNumber } from '../../lib/store/numbers.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { openBrowser, screenshot } from '../helpers/browser.js'
import { addUsers, PASSWORD } from '../helpers/console.js'
import { dbKind, testDatabase } from '../helpers/db.js'
import { freePort } from '../helpers/net.js'
import { serveProcess } from '../helpers/serve-process.js'
import { applyYaml } from '../helpers/store.js'

const DOCS = `
kind: team
name: support
---
kind: agent
name: minji
dial: user/1001
teams: [support]
status: away
---
name: main
steps:
  A:
    - assign: { team: support }
`

t.test(`serve --console: a caller in line on the board, then in the inbox (${dbKind})`, async (t) => {
  t.ok(existsSync(join(CONSOLE_UI_DIR, 'index.html')), 'the page is built (npm run build; npm ci does it)')
  const db = await testDatabase(t)
  const setup = await openStore(db.config)
  await migrateStore(setup)
  await applyYaml(setup, DOCS)
  const bound = await bindNumber(setup, '02-555-0100', 'main', 'KR')
  t.ok(bound.ok)
  await addUsers(setup, { supervisor: 'sam' })
  // The embedded database is one process's at a time: serve opens it next.
  await setup.close()

  const consolePort = await freePort()
  const serve = await serveProcess(t, { ...db.env, IVR_CONSOLE: `127.0.0.1:${consolePort}` })
  const url = `http://127.0.0.1:${consolePort}/`
  t.match(serve.stderr(), `console on ${url} (this machine only)`)

  const browser = await openBrowser(t)
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Seoul' })
  t.teardown(() => context.close())
  const page = await context.newPage()
  await page.goto(url)
  await page.fill('input[name=name]', 'sam')
  await page.fill('input[name=password]', PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForSelector('#live-state.live')

  // Nobody is available: the caller hears hold music in support's line until they hang up.
  const call = new FakeFreeSwitch().call({
    port: serve.port,
    channel: { destination: '025550100', callerNumber: '01055556666' },
  })
  const row = page.locator(`section[data-team=support] tr[data-call="${call.uuid}"]`)
  await row.waitFor()
  const cells = await row.locator('td').allTextContents()
  t.same([cells[0], cells[1], cells[4]], ['1', '+821055556666', 'waiting'], 'position 1, the caller, waiting')
  const underWay = page.locator(`#under-way tr[data-call="${call.uuid}"]`)
  await underWay.waitFor()
  // The step is written a moment after the start (in batches): wait for it.
  await underWay.locator('td.step', { hasText: /^A$/ }).waitFor()
  const inProgress = await underWay.locator('td').allTextContents()
  t.same(
    inProgress.slice(0, 4),
    ['+821055556666', '+8225550100', 'main', 'A'],
    'among the calls in progress, in step A',
  )
  await screenshot(page, 'board-serve')
  call.hangup()
  await call.result
  await row.waitFor({ state: 'detached' })
  await underWay.waitFor({ state: 'detached' })
  t.pass('the caller left the board when they hung up')

  await page.click('a[data-nav=inbox]')
  const missed = page.locator('#inbox tbody tr', { hasText: '+821055556666' })
  await missed.waitFor()
  t.match(await missed.textContent(), /left the queue.*support/)
  t.equal(await serve.stop(), 0)
})

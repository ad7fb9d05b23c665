/**
 * The console in a real browser (Debian's chromium through playwright-core) against a console on a real store:
 * log in; the live board shows a queued caller in its team's line and the agents, pushed as they change; a
 * supervisor sets an agent away and the store changes; the inbox resolves a row; an admin sees workflows in
 * priority order and a refused document's exact path; the Korean page. Screenshots under var/console/.
 */
import { sql } from 'drizzle-orm'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { listAgents } from '../../lib/store/agents.js'
import { getInbox } from '../../lib/store/inbox.js'
import { listBindings } from '../../lib/store/numbers.js'
import { passwordMatches } from '../../lib/console/password.js'
import { findUser } from '../../lib/store/users.js'
import { listWorkflows } from '../../lib/store/workflows.js'
import { StoreLedger } from '../../lib/store/ledger.js'
import { writeRecord } from '../../lib/store/records.js'
import type { CallRecord } from '../../lib/engine/record.js'
import { buildUi, openBrowser, screenshot, SCREENSHOTS } from '../helpers/browser.js'
import { addUsers, consoleOn, PASSWORD, wavBytes } from '../helpers/console.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, callRecord, tempDir } from '../helpers/store.js'

const DOCS = `
kind: team
name: support
---
kind: agent
name: minji
title: Kim Minji
dial: user/1001
teams: [support]
status: away
---
kind: agent
name: joon
dial: user/1002
teams: [support]
---
name: main
title: Main line
priority: 10
steps:
  A:
    - assign: { team: support }
---
name: holiday
priority: 50
enabled: false
steps:
  A:
    - hangup:
`

async function logIn(page: Page, url: string, name: string, password = PASSWORD): Promise<void> {
  await page.goto(url)
  await page.fill('input[name=name]', name)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await page.waitForSelector('header nav')
}

t.test(`the console in chromium (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  await addUsers(store, { viewer: 'vera', supervisor: 'sam', admin: 'ada' })
  await writeRecord(
    store.db,
    callRecord('call-missed', {
      outcome: 'missed',
      inbox: { reason: 'queue_abandoned' },
      team: 'support',
      fields: { reservationNo: '123456' },
    }),
  )
  const uiDir = await buildUi(t)
  const recordingsDir = await tempDir(t, 'ivr-console-rec-')
  await writeFile(join(recordingsDir, 'call-vm.wav'), wavBytes(2))
  await writeRecord(
    store.db,
    callRecord('call-vm', {
      outcome: 'voicemail',
      inbox: { reason: 'voicemail', recording: { path: join(recordingsDir, 'call-vm.wav'), seconds: 2 } },
      team: 'support',
    }),
  )
  await writeRecord(
    store.db,
    callRecord('call-fs', {
      outcome: 'voicemail',
      inbox: { reason: 'voicemail', recording: { path: '/var/lib/freeswitch/storage/msg_1.wav', seconds: 3 } },
      team: 'support',
    }),
  )
  const running = await consoleOn(t, store, { uiDir, boardPeriodMs: 200, recordingsDir })
  const browser = await openBrowser(t)

  t.test('log in and the live board: a queued caller appears in its line and leaves', async (t) => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Seoul' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(running.url)
    await screenshot(page, 'login')
    await page.fill('input[name=name]', 'sam')
    await page.fill('input[name=password]', 'not the password')
    await page.click('button[type=submit]')
    await page.locator('[role=alert]', { hasText: 'Wrong name or password' }).waitFor()
    t.pass('a wrong password is refused')
    await logIn(page, running.url, 'sam')
    await page.waitForSelector('#live-state.live')
    t.equal(await page.textContent('section[data-team=support] .count'), '0 waiting')

    // joon is busy elsewhere: nobody is free, so the caller waits in line.
    await store.db.execute(sqlAway('joon'))
    const ledger = new StoreLedger(store.db, {
      routerId: 'test-router',
      leaseSeconds: 600,
      aliveSeconds: 600,
      retryDelaySeconds: 10,
      unreachableSeconds: 60,
    })
    await ledger.sweep()
    await ledger.route({
      callId: 'call-queued',
      caller: '+821055556666',
      place: { ask: 'queue', forWhom: { team: 'support' }, priority: 0 },
    })
    const row = page.locator('section[data-team=support] tr[data-call=call-queued]')
    await row.waitFor()
    t.same(
      await row
        .locator('td')
        .allTextContents()
        .then((c) => [c[0], c[1], c[4]]),
      ['1', '+821055556666', 'waiting'],
    )
    t.equal(await page.textContent('section[data-team=support] .count'), '1 waiting')
    await screenshot(page, 'board')
    // The page numbers the line itself from the changes pushed: the caller behind moves up when the first leaves.
    await ledger.route({
      callId: 'call-behind',
      caller: '+821077778888',
      place: { ask: 'queue', forWhom: { team: 'support' }, priority: 0 },
    })
    const behind = page.locator('section[data-team=support] tr[data-call=call-behind] td').first()
    await behind.waitFor()
    t.equal(await behind.textContent(), '2', 'second in line')
    await ledger.route({ callId: 'call-queued', caller: '+821055556666', place: 'leave' })
    await row.waitFor({ state: 'detached' })
    t.pass('the caller left the board when the call left the line')
    t.equal(await behind.textContent(), '1', 'the caller behind is first now')
    t.equal(await page.textContent('section[data-team=support] .count'), '1 waiting')
    await ledger.route({ callId: 'call-behind', caller: '+821077778888', place: 'leave' })
    await behind.waitFor({ state: 'detached' })
  })

  t.test('a supervisor sets an agent away: the store changes', async (t) => {
    const context = await browser.newContext({ locale: 'en-US' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'sam')
    await page.waitForSelector('tr[data-agent=minji]')
    t.equal(await page.textContent('tr[data-agent=minji] td.status'), 'away')
    await page.selectOption('select[name=status-minji]', 'available')
    await page.waitForSelector('tr[data-agent=minji] td.status.available')
    t.equal((await listAgents(store.db)).find((a) => a.name === 'minji')?.status, 'available')
  })

  t.test('the inbox: resolve a row with a note', async (t) => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Seoul' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'sam')
    await page.click('a[data-nav=inbox]')
    const row = page.locator('tr[data-inbox="1"]')
    await row.waitFor()
    t.match(await row.textContent(), /left the queue.*\+821012345678.*support.*reservationNo: 123456/)
    t.equal(await row.locator('td.path').textContent(), 'A', 'the path taken')
    await screenshot(page, 'inbox')
    await row.locator('input[name=note-1]').fill('called back')
    await row.locator('button', { hasText: 'Resolve' }).click()
    await page.waitForSelector('#inbox, p.muted')
    await page.locator('tr[data-inbox="1"]').waitFor({ state: 'detached' })
    t.match(await getInbox(store.db, 1), { note: 'called back', resolvedBy: 'sam', resolvedAt: /^2/ })
    await page.selectOption('select[name=status]', 'resolved')
    await page.locator('tr[data-inbox="1"]', { hasText: 'resolved by sam' }).waitFor()
  })

  t.test('a voicemail plays in the page; one kept by FreeSWITCH says so', async (t) => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Seoul' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'vera')
    await page.click('a[data-nav=inbox]')
    await page.selectOption('select[name=reason]', 'voicemail')
    const playable = page.locator('tr[data-inbox="2"] audio')
    await playable.waitFor()
    const duration = await playable.evaluate(
      (audio: AudioLike) =>
        new Promise<number>((resolve, reject) => {
          if (audio.readyState >= 1) resolve(audio.duration)
          audio.addEventListener('loadedmetadata', () => resolve(audio.duration))
          audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)))
        }),
    )
    t.equal(duration, 2, 'the audio element loaded the recording and reports its duration')
    await page
      .locator('tr[data-inbox="3"] .recording .error', { hasText: "is not in this router's recordings directory" })
      .waitFor()
    await screenshot(page, 'inbox-voicemail')
  })

  t.test('workflows: priority order, a document refused at its exact path, the step funnel', async (t) => {
    const context = await browser.newContext({ locale: 'en-US' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'ada')
    await page.click('a[data-nav=workflows]')
    await page.waitForSelector('#workflows tbody tr')
    t.same(
      await page.locator('#workflows tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-workflow'))),
      ['holiday', 'main'],
    )
    await page.fill(
      'textarea[name=yaml]',
      'name: bad\nsteps:\n  A:\n    - menu:\n        prompt: { say: hi }\n        options:\n          "1": nowhere\n',
    )
    await page.click('form.apply button[type=submit]')
    const problem = page.locator('#apply-result li[data-path]')
    await problem.waitFor()
    t.equal(await problem.getAttribute('data-path'), 'steps.A[0].menu.options.1')
    t.match(await problem.textContent(), /workflow bad.*steps\.A\[0\]\.menu\.options\.1: unknown step "nowhere"/)
    await screenshot(page, 'workflows')
    // A second version of main, then back to the first from its page.
    await page.fill('textarea[name=yaml]', 'name: main\ntitle: Main line\npriority: 10\nsteps:\n  A:\n    - hangup:\n')
    await page.click('form.apply button[type=submit]')
    await page.locator('#apply-result li', { hasText: 'workflow main: updated' }).waitFor()
    await page.click('a[href="#/workflows/main"]')
    await page.waitForSelector('#yaml')
    t.match(await page.textContent('#yaml'), /hangup/)
    await page.click('li[data-version="1"] button.diff')
    await page.locator('#diff span.del', { hasText: 'assign' }).waitFor()
    t.match(await page.textContent('#diff span.add'), /hangup/)
    await screenshot(page, 'workflow')
    await page.click('li[data-version="1"] button.rollback')
    await page.locator('li.current[data-version="1"]').waitFor()
    t.match(await page.textContent('#yaml'), /assign:/)
    t.match(
      (await listWorkflows(store.db)).find((w) => w.name === 'main'),
      { version: 1, versions: 2 },
    )
    // Try a call on it: the simulator in the page (minji is available since the supervisor's test).
    await page.fill('input[name=sim-connect]', 'answer')
    await page.click('#try-call button[type=submit]')
    await page.locator('#sim-outcome', { hasText: 'Outcome: connected' }).waitFor()
    t.match(await page.textContent('#transcript'), /minji/)
    await screenshot(page, 'try-call')
    await page.click('a[data-nav=workflows]')
    await page.selectOption('select[name=recipe]', 'ivr-experience-design')
    await page.click('#recipe button[type=submit]')
    await page.locator('#recipe-result.ok', { hasText: 'workflow ivr-experience-design: created' }).waitFor()
    await page.locator('tr[data-workflow=ivr-experience-design]').waitFor()
    // Its step funnel (the last 7 days by default), from calls of the last hour.
    const paths: [string[], CallRecord['outcome'], number][] = [
      [['hours', 'main-menu', 'orders'], 'connected', 4],
      [['hours', 'main-menu', 'shipping', 'general'], 'missed', 2],
      [['hours', 'main-menu', 'general'], 'connected', 1],
      [['hours', 'main-menu'], 'abandoned', 1],
      [['hours', 'closed'], 'hangup', 2],
    ]
    let n = 0
    for (const [steps, outcome, times] of paths)
      for (let i = 0; i < times; i++)
        await writeRecord(
          store.db,
          callRecord(`funnel-${++n}`, {
            workflow: 'ivr-experience-design',
            startedAt: Date.now() - 3_600_000,
            outcome,
            steps,
            events: steps.map((step, at) => ({ at, type: 'step', step, workflow: 'ivr-experience-design' })),
          }),
        )
    await page.setViewportSize({ width: 1280, height: 1100 })
    await page.click('a[href="#/workflows/ivr-experience-design"]')
    const orders = page.locator('#funnel [data-step=orders] .reached')
    await orders.waitFor()
    t.equal(await orders.textContent(), '4 calls · 40%')
    t.equal(await page.textContent('#funnel [data-step=main-menu] .reached'), '8 calls · 80%')
    t.equal(await page.textContent('#funnel [data-step=general] .ends'), 'ended here: missed 2 · connected 1')
    await page.locator('#funnel text.edge-label.taken', { hasText: '4×' }).waitFor()
    await page.locator('section.funnel').screenshot({ path: join(SCREENSHOTS, 'funnel.png') })
    await page.selectOption('select[name=funnel-period]', '30')
    await page.locator('#funnel p.muted', { hasText: '10 calls' }).waitFor()
    t.pass('the last 30 days hold the same ten calls')
  })

  t.test("numbers: bind one, a refusal in the CLI's words; the reports", async (t) => {
    const context = await browser.newContext({ locale: 'en-US' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'ada')
    await page.click('a[data-nav=numbers]')
    await page.waitForSelector('select[name=workflow] option[value=main]', { state: 'attached' })
    await page.fill('input[name=number]', 'not a number')
    await page.click('#bind button[type=submit]')
    await page.locator('#numbers-message.error', { hasText: 'is not a phone number (region KR)' }).waitFor()
    await page.fill('input[name=number]', '070-1234-5678')
    await page.selectOption('select[name=workflow]', 'main')
    await page.click('#bind button[type=submit]')
    await page.locator('tr[data-number="+827012345678"]').waitFor()
    t.match(await listBindings(store.db), [{ number: '+827012345678', workflow: 'main' }])
    await screenshot(page, 'numbers')
    // Reports, in the same session: calls per day of the last 7 days (the funnel's ten calls), drawn and listed.
    await page.click('a[data-nav=reports]')
    await page.locator('#report-chart').waitFor()
    const calls = await page
      .locator('#report-rows tbody tr')
      .evaluateAll((rows) => rows.reduce((n, r) => n + Number(r.children[1]?.textContent ?? 0), 0))
    t.equal(calls, 10, 'the ten calls of the last hour, per day')
    await page.click('#report-sql summary')
    t.match(await page.textContent('#report-sql pre.statement'), /^select \* from report_calls_per_day\('/)
    t.match(await page.textContent('#report-sql pre.source'), /create or replace function report_calls_per_day\(/)
    await screenshot(page, 'reports')
    await page.selectOption('select[name=report]', 'step-funnel')
    await page.locator('#report-rows th', { hasText: 'ended_here' }).waitFor()
    t.pass('another report from the list')
  })

  t.test('users: an admin adds an account in the page', async (t) => {
    const context = await browser.newContext({ locale: 'en-US' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'ada')
    await page.click('a[data-nav=users]')
    await page.waitForSelector('tr[data-user=ada]')
    await page.fill('input[name=new-name]', 'nina')
    await page.selectOption('select[name=new-role]', 'supervisor')
    await page.fill('input[name=new-password]', 'a long enough one')
    await page.click('#add-user button[type=submit]')
    await page.locator('tr[data-user=nina]').waitFor()
    t.match(await findUser(store.db, 'nina'), { role: 'supervisor', passwordHash: /^\$argon2id\$/ })
    t.equal(await page.locator('tr[data-user=ada] select').count(), 0, 'not one’s own role')
    await page.selectOption('select[name=role-nina]', 'viewer')
    await page.locator('#users-message.ok', { hasText: 'nina (viewer)' }).waitFor()
    t.match(await findUser(store.db, 'nina'), { role: 'viewer' })
    await page.fill('input[name=password-nina]', 'set by ada in the page')
    await page.click('form[data-password=nina] button')
    await page.locator('#users-message.ok', { hasText: 'nina:' }).waitFor()
    t.ok(await passwordMatches((await findUser(store.db, 'nina'))!.passwordHash, 'set by ada in the page'))
    await screenshot(page, 'users')
  })

  t.test('account: a user changes their own password and stays logged in', async (t) => {
    const context = await browser.newContext({ locale: 'en-US' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, running.url, 'nina', 'set by ada in the page')
    await page.click('a[data-nav=account]')
    await page.fill('input[name=current-password]', 'not the password')
    await page.fill('input[name=new-password]', 'chosen by nina herself')
    await page.click('#change-password button[type=submit]')
    await page.locator('#account-message.error', { hasText: 'the current password is wrong' }).waitFor()
    await page.fill('input[name=current-password]', 'set by ada in the page')
    await page.fill('input[name=new-password]', 'chosen by nina herself')
    await page.click('#change-password button[type=submit]')
    await page.locator('#account-message.ok').waitFor()
    t.ok(await passwordMatches((await findUser(store.db, 'nina'))!.passwordHash, 'chosen by nina herself'))
    await page.click('a[data-nav=board]')
    await page.waitForSelector('#live-state.live')
    t.pass('the page goes on with its new session')
  })

  t.test('the Korean page, and back', async (t) => {
    const context = await browser.newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(running.url)
    t.equal(await page.textContent('button[type=submit]'), '로그인')
    await logIn(page, running.url, 'vera')
    t.equal(await page.textContent('a[data-nav=board]'), '실시간 현황')
    await page.waitForSelector('#live-state.live')
    t.equal(await page.locator('select[name^=status-]').count(), 0, 'a viewer cannot set statuses')
    await screenshot(page, 'board-ko')
    await page.click('#lang')
    t.equal(await page.textContent('a[data-nav=board]'), 'Live board')
  })
})

/** What the test reads of the page's audio element (the tests' types have no DOM). */
type AudioLike = {
  readyState: number
  duration: number
  error: { code: number } | null
  addEventListener(event: string, listener: () => void): void
}

function sqlAway(name: string) {
  return sql`update agents set status = 'away' where name = ${name}`
}

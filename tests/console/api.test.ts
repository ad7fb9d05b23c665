/**
 * The console's API over loopback HTTP on a real store: every route refuses anonymous users and too small a role,
 * changes need the CSRF token, log-in is rate-limited, the session cookie's attributes, audit rows for changes,
 * workflow problems by path, inbox resolve / reopen, agent status, the board and its event stream.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import t from 'tap'
import { listAgents } from '../../lib/store/agents.js'
import { listAudit } from '../../lib/store/audit.js'
import type { Store } from '../../lib/store/db.js'
import { writeRecord } from '../../lib/store/records.js'
import { roleAtLeast } from '../../lib/store/users.js'
import { addUsers, Client, consoleOn, PASSWORD, wavBytes } from '../helpers/console.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, callRecord, tempDir } from '../helpers/store.js'

const DOCS = `
kind: team
name: support
---
kind: agent
name: minji
dial: user/1001
teams: [support]
---
name: main
priority: 10
steps:
  A:
    - assign: { team: support }
`

/** A voicemail record per call (call id → recording path); the inbox row id the API gives each call. */
async function voicemails(
  store: Store,
  client: Client,
  seconds: number,
  paths: Record<string, string>,
): Promise<Record<string, number>> {
  for (const [id, path] of Object.entries(paths))
    await writeRecord(
      store.db,
      callRecord(id, { outcome: 'voicemail', inbox: { reason: 'voicemail', recording: { path, seconds } } }),
    )
  const rows = (await client.request('GET', '/api/inbox?status=all&reason=voicemail')).body as {
    id: number
    callId: string
  }[]
  return Object.fromEntries(rows.map((i) => [i.callId, i.id]))
}

t.test(`the console API (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(store, DOCS)
  await addUsers(store, { viewer: 'vera', supervisor: 'sam', admin: 'ada' })
  await writeRecord(
    store.db,
    callRecord('call-1', { outcome: 'missed', inbox: { reason: 'queue_abandoned' }, team: 'support' }),
  )
  // Many accounts log in here, from one address: the log-in limit has its own test below.
  const running = await consoleOn(t, store, { session: { loginLimit: { max: 1000, windowMs: 60_000 } } })
  const anonymous = new Client(running.url)
  const users = { viewer: new Client(running.url), supervisor: new Client(running.url), admin: new Client(running.url) }
  t.equal((await users.viewer.login('vera')).status, 200)
  t.equal((await users.supervisor.login('sam')).status, 200)
  const adminLogin = await users.admin.login('ada')
  t.same(adminLogin.body, { user: { name: 'ada', role: 'admin' }, csrf: users.admin.csrf })

  t.test('the session cookie', async (t) => {
    const cookie = adminLogin.headers.get('set-cookie') ?? ''
    t.match(cookie, /^ivr_session=[\w-]{43}; /)
    t.match(cookie, /; HttpOnly/)
    t.match(cookie, /; SameSite=Strict/)
    t.notMatch(cookie, /Secure/, 'plain HTTP on loopback: no Secure flag')
    t.equal((await new Client(running.url).login('ada', 'wrong password')).status, 401)
    t.equal((await new Client(running.url).login('nobody')).status, 401)
  })

  t.test('every route refuses anonymous users and too small a role', async (t) => {
    const publicRoutes = new Set(running.routes.filter((r) => r.role === 'public').map((r) => r.url))
    t.same([...publicRoutes].sort(), ['/api/*', '/api/session'], "only logging in (and the API's 404) are public")
    const guarded = running.routes.filter((r) => r.role !== 'public')
    t.ok(guarded.length >= 10, `${guarded.length} guarded routes`)
    for (const route of guarded) {
      const path = route.url.replace(':name', 'minji').replace(':id', '1')
      const body = route.method === 'GET' ? undefined : {}
      t.equal((await anonymous.request(route.method, path, body)).status, 401, `anonymous ${route.method} ${route.url}`)
      for (const [role, client] of Object.entries(users)) {
        if (roleAtLeast(role as 'viewer', route.role as 'viewer')) continue
        const answer = await client.request(route.method, path, body)
        t.equal(answer.status, 403, `${role} ${route.method} ${route.url}`)
        t.match(answer.body, { error: `this needs the ${route.role} role (you are ${role})` })
      }
    }
  })

  t.test('changes need the CSRF token', async (t) => {
    const changes = running.routes.filter((r) => r.role !== 'public' && r.method !== 'GET')
    for (const route of changes) {
      const path = route.url.replace(':name', 'minji').replace(':id', '1')
      const answer = await users.admin.request(route.method, path, {}, { csrf: false })
      t.equal(answer.status, 403, `${route.method} ${route.url} without the token`)
      t.match(answer.body, { error: /CSRF/ })
    }
    const wrong = await users.admin.request('POST', '/api/agents/minji/status', { status: 'away' }, { csrf: false })
    t.equal(wrong.status, 403)
    t.equal((await listAgents(store.db))[0]?.status, 'available', 'nothing changed')
  })

  t.test('workflows: list, show, apply with problems by path, audit', async (t) => {
    const list = await users.viewer.request('GET', '/api/workflows')
    t.match(list.body, [{ name: 'main', priority: 10, enabled: true, numbers: [] }])
    const show = await users.viewer.request('GET', '/api/workflows/main')
    t.match(show.body, { name: 'main', version: 1, yaml: /assign/ })
    const bad = await users.admin.request('POST', '/api/apply', {
      yaml: 'name: bad\nsteps:\n  A:\n    - menu:\n        prompt: { say: hi }\n        options:\n          "1": nowhere\n',
    })
    t.equal(bad.status, 422)
    t.match(bad.body, {
      diagnostics: [{ document: 'workflow bad', path: 'steps.A[0].menu.options.1', message: 'unknown step "nowhere"' }],
    })
    const badBody = await users.admin.request('POST', '/api/apply', { yaml: 42 })
    t.equal(badBody.status, 400)
    t.match(badBody.body, { problems: [{ path: 'yaml' }] })
    const good = await users.admin.request('POST', '/api/apply', {
      yaml: 'name: second\npriority: 20\nsteps:\n  A:\n    - hangup:\n',
      note: 'from the test',
    })
    t.equal(good.status, 200, JSON.stringify(good.body))
    const names = ((await users.viewer.request('GET', '/api/workflows')).body as { name: string }[]).map((w) => w.name)
    t.same(names, ['second', 'main'], 'priority order')
    t.match(await listAudit(store.db), [
      { actor: 'ada', action: 'workflow.apply', target: 'workflow second', origin: '127.0.0.1' },
    ])
  })

  t.test('the step funnel: the current version drawn, the calls of the period counted on it', async (t) => {
    const startedAt = Date.parse('2026-12-07T10:00:00Z')
    for (const [id, outcome] of [
      ['funnel-1', 'connected'],
      ['funnel-2', 'missed'],
    ] as const)
      await writeRecord(
        store.db,
        callRecord(id, { startedAt, outcome, events: [{ at: 0, type: 'step', step: 'A', workflow: 'main' }] }),
      )
    const q = 'from=2026-12-07&to=2026-12-07&tz=Asia/Seoul'
    const got = await users.viewer.request('GET', `/api/workflows/main/funnel?${q}`)
    t.equal(got.status, 200, JSON.stringify(got.body))
    t.match(got.body, {
      from: '2026-12-07',
      diagram: {
        nodes: [
          { id: 'entry', kind: 'entry' },
          { kind: 'step', title: 'A' },
        ],
      },
      funnel: {
        calls: 2,
        steps: [{ step: 'A', calls: 2, visits: 2 }],
        ends: [
          { step: 'A', outcome: 'connected', calls: 1 },
          { step: 'A', outcome: 'missed', calls: 1 },
        ],
      },
    })
    const backwards = await users.viewer.request(
      'GET',
      '/api/workflows/main/funnel?from=2026-12-08&to=2026-12-07&tz=Asia/Seoul',
    )
    t.equal(backwards.status, 400)
    t.match(backwards.body, { problems: [{ path: 'to', message: 'to must not be before from' }] })
    const zone = await users.viewer.request(
      'GET',
      '/api/workflows/main/funnel?from=2026-12-07&to=2026-12-07&tz=Mars/Base',
    )
    t.match(zone.body, { problems: [{ path: 'tz', message: /not a time zone/ }] })
    t.equal(
      (await users.viewer.request('GET', '/api/workflows/main/funnel?from=yesterday&to=today&tz=UTC')).status,
      400,
    )
    t.equal((await users.viewer.request('GET', `/api/workflows/nothing/funnel?${q}`)).status, 404)
  })

  t.test('reports: the list, one over days in a zone, its statement and SQL function', async (t) => {
    const list = (await users.viewer.request('GET', '/api/reports')).body as { name: string }[]
    t.same(
      list.map((r) => r.name),
      [
        'calls-per-day',
        'calls-per-hour',
        'menu-choices',
        'step-funnel',
        'abandonment',
        'missed-by-team',
        'queue-wait',
        'service-level',
        'callbacks',
      ],
    )
    // The two calls the step funnel's test wrote, on 2026-12-07 in Seoul.
    const perDay = await users.viewer.request(
      'GET',
      '/api/reports/calls-per-day?from=2026-12-07&to=2026-12-07&tz=Asia/Seoul',
    )
    t.equal(perDay.status, 200, JSON.stringify(perDay.body))
    t.match(perDay.body, {
      rows: [{ day: '2026-12-07', calls: 2, connected: 1, missed: 1 }],
      statement:
        "select * from report_calls_per_day('2026-12-07'::date, '2026-12-07'::date, null::text, null::text, 'Asia/Seoul'::text);",
      source: /create or replace function report_calls_per_day\(/,
    })
    const quoted = await users.viewer.request(
      'GET',
      `/api/reports/service-level?from=2026-12-01&to=2026-12-07&tz=UTC&team=${encodeURIComponent("O'Brien")}&threshold=30`,
    )
    t.match(quoted.body, {
      rows: [],
      statement:
        "select * from report_service_level('2026-12-01'::date, '2026-12-07'::date, null::text, 'O''Brien'::text, 'UTC'::text, 30::float8);",
    })
    t.equal(
      (await users.viewer.request('GET', '/api/reports/nothing?from=2026-12-07&to=2026-12-07&tz=UTC')).status,
      404,
    )
    const late = await users.viewer.request('GET', '/api/reports/calls-per-day?from=2026-12-08&to=2026-12-07&tz=UTC')
    t.match(late.body, { problems: [{ path: 'to' }] })
  })

  t.test('try a call: the simulator on a stored workflow, nothing written', async (t) => {
    const calls = async () => (await listAudit(store.db)).length
    const before = await calls()
    const sim = await users.viewer.request('POST', '/api/simulate', {
      workflow: 'main',
      at: '2026-11-23T10:00:00+09:00',
      connect: ['answer'],
    })
    t.equal(sim.status, 200, JSON.stringify(sim.body))
    t.match(sim.body, { workflow: 'main', steps: ['A'], outcome: 'connected', agent: 'minji', team: 'support' })
    t.ok((sim.body as { transcript: string[] }).transcript.length >= 3, 'a transcript')
    t.equal(await calls(), before, 'no audit row: nothing changed')
    const bad = await users.viewer.request('POST', '/api/simulate', { workflow: 'main', at: 'tomorrow', keys: ['1x'] })
    t.equal(bad.status, 400)
    t.same(
      (bad.body as { problems: { path: string }[] }).problems.map((p) => p.path),
      ['at', 'keys[0]'],
    )
    t.equal(
      (await users.viewer.request('POST', '/api/simulate', { workflow: 'nope', at: '2026-11-23T10:00:00+09:00' }))
        .status,
      404,
    )
  })

  t.test('workflows: diff, rollback, disable, a recipe in one click', async (t) => {
    const v2 = await users.admin.request('POST', '/api/apply', {
      yaml: 'name: second\npriority: 30\nsteps:\n  A:\n    - hangup:\n',
    })
    t.match(v2.body, { report: { items: [{ name: 'second', change: 'updated', version: 2 }] } })
    const diff = await users.viewer.request('GET', '/api/workflows/second/diff?from=1&to=2')
    t.match(diff.body, { from: 1, to: 2 })
    t.same(
      (diff.body as { lines: { op: string }[] }).lines.filter((l) => l.op !== ' '),
      [
        { op: '-', text: 'priority: 20' },
        { op: '+', text: 'priority: 30' },
      ],
    )
    const back = await users.admin.request('POST', '/api/workflows/second/rollback', { version: 1 })
    t.same(back.body, { ok: true, name: 'second', from: 2, to: 1 })
    const already = await users.admin.request('POST', '/api/workflows/second/rollback', { version: 1 })
    t.same(
      [already.status, (already.body as { error: string }).error],
      [409, 'version 1 of "second" is already the current one'],
    )
    const off = await users.admin.request('POST', '/api/workflows/second/enabled', { enabled: false })
    t.match(off.body, { ok: true, name: 'second', enabled: false, changed: true })
    t.match((await listAudit(store.db)).slice(0, 2), [
      { actor: 'ada', action: 'workflow.disable', target: 'second' },
      { actor: 'ada', action: 'workflow.rollback', target: 'second', detail: { from: 2, to: 1 } },
    ])
    const recipes = (await users.viewer.request('GET', '/api/recipes')).body as { name: string }[]
    t.ok(recipes.some((r) => r.name === 'ivr-experience-design'))
    const recipe = await users.admin.request('POST', '/api/recipes/apply', { recipe: 'ivr-experience-design' })
    t.equal(recipe.status, 200, JSON.stringify(recipe.body))
    t.match((await listAudit(store.db))[0], {
      action: 'workflow.apply',
      detail: { note: 'recipe ivr-experience-design' },
    })
    t.equal((await users.admin.request('POST', '/api/recipes/apply', { recipe: 'nope' })).status, 404)
  })

  t.test('inbox: list, resolve with a note and who, reopen, audit', async (t) => {
    const open = await users.viewer.request('GET', '/api/inbox?team=support&reason=queue_abandoned')
    t.match(open.body, [{ id: 1, reason: 'queue_abandoned', caller: '+821012345678', resolvedAt: null, steps: ['A'] }])
    const badFilter = await users.viewer.request('GET', '/api/inbox?reason=whatever')
    t.equal(badFilter.status, 400)
    t.match(badFilter.body, { problems: [{ path: 'reason' }] })
    const resolved = await users.supervisor.request('POST', '/api/inbox/1/resolve', { note: 'called back' })
    t.match(resolved.body, { id: 1, note: 'called back', resolvedBy: 'sam', resolvedAt: /^2/ })
    t.same((await users.viewer.request('GET', '/api/inbox')).body, [], 'no open rows left')
    t.match((await users.viewer.request('GET', '/api/inbox?status=resolved')).body, [{ id: 1 }])
    t.equal((await users.supervisor.request('POST', '/api/inbox/99/resolve', {})).status, 404)
    t.match((await users.supervisor.request('POST', '/api/inbox/1/reopen', {})).body, { id: 1, resolvedAt: null })
    t.match((await listAudit(store.db)).slice(0, 2), [
      { actor: 'sam', action: 'inbox.reopen', target: '1' },
      { actor: 'sam', action: 'inbox.resolve', target: '1', detail: { note: 'called back' } },
    ])
  })

  t.test('board: snapshot, event stream (the whole board, then what changed), agent status', async (t) => {
    const board = await users.viewer.request('GET', '/api/board')
    const minji = (b: unknown) => (b as { agents: { name: string }[] }).agents.find((a) => a.name === 'minji')
    t.match(board.body, { queue: [] })
    t.match(minji(board.body), { status: 'available', teams: /support/ })
    const events = new EventReader(running.url, users.viewer.cookie!)
    t.teardown(() => events.close())
    const first = await events.next()
    t.equal(first.event, 'board', 'the whole board first')
    t.match(minji(first.data), { status: 'available' })
    const bad = await users.supervisor.request('POST', '/api/agents/minji/status', { status: 'sleeping' })
    t.equal(bad.status, 400)
    t.match(bad.body, { problems: [{ path: 'status' }] })
    const set = await users.supervisor.request('POST', '/api/agents/minji/status', { status: 'away' })
    t.match(set.body, { ok: true, status: 'away', previous: 'available' })
    t.equal((await listAgents(store.db)).find((a) => a.name === 'minji')?.status, 'away', 'the store changed')
    const changed = await events.next()
    t.equal(changed.event, 'board-delta', 'then only what changed')
    t.match(changed.data, { serverTime: /^2/, agents: { set: [{ name: 'minji', status: 'away' }], removed: [] } })
    t.notOk('queue' in (changed.data as object), 'the line did not change: not sent')
    t.match((await listAudit(store.db))[0], {
      actor: 'sam',
      action: 'agent.status',
      target: 'minji',
      detail: { status: 'away', previous: 'available' },
    })
    t.equal((await users.supervisor.request('POST', '/api/agents/nobody/status', { status: 'away' })).status, 404)
  })

  t.test("numbers: bind and unbind with the CLI's refusals, audit", async (t) => {
    const unknown = await users.admin.request('POST', '/api/numbers/bind', {
      number: '070-1234-5678',
      workflow: 'nope',
    })
    t.same(
      [unknown.status, (unknown.body as { error: string }).error],
      [409, 'cannot bind +827012345678: no workflow named "nope"'],
    )
    const notANumber = await users.admin.request('POST', '/api/numbers/bind', { number: 'abc', workflow: 'main' })
    t.match(notANumber.body, { error: /^"abc" is not a phone number \(region KR\)/ })
    const bound = await users.admin.request('POST', '/api/numbers/bind', { number: '070-1234-5678', workflow: 'main' })
    t.match(bound.body, { ok: true, number: '+827012345678', workflow: 'main', previous: null })
    t.match((await users.viewer.request('GET', '/api/numbers')).body, [{ number: '+827012345678', workflow: 'main' }])
    t.match((await listAudit(store.db))[0], { actor: 'ada', action: 'number.bind', target: '+827012345678' })
    const unbound = await users.admin.request('POST', '/api/numbers/unbind', { number: '+82 70 1234 5678' })
    t.match(unbound.body, { ok: true, number: '+827012345678', workflow: 'main' })
    const again = await users.admin.request('POST', '/api/numbers/unbind', { number: '+82 70 1234 5678' })
    t.same([again.status, (again.body as { error: string }).error], [409, '+827012345678 is not bound'])
  })

  t.test('a voicemail streamed with range requests; clear refusals otherwise', async (t) => {
    const dir = await tempDir(t, 'ivr-console-rec-')
    await writeFile(join(dir, 'call-vm.wav'), wavBytes(2))
    const recorded = await consoleOn(t, store, { recordingsDir: dir })
    const client = new Client(recorded.url)
    await client.login('vera')
    const ids = await voicemails(store, client, 2, {
      'call-vm': join(dir, 'call-vm.wav'),
      'call-fs': '/var/lib/freeswitch/storage/voicemail/default/support/msg_1.wav',
      'call-gone': join(dir, 'gone.wav'),
      'call-sneaky': join(dir, '..', 'etc-passwd.wav'),
    })
    const res = await fetch(new URL(`/api/inbox/${ids['call-vm']}/recording`, recorded.url), {
      headers: { cookie: client.cookie!, range: 'bytes=0-99' },
    })
    t.equal(res.status, 206)
    t.equal(res.headers.get('content-range'), `bytes 0-99/${44 + 32000}`)
    t.match(res.headers.get('content-type'), /^audio\/(x-)?wav/)
    t.equal((await res.arrayBuffer()).byteLength, 100)
    const fs = await client.request('GET', `/api/inbox/${ids['call-fs']}/recording`)
    t.same(
      [fs.status, (fs.body as { error: string }).error],
      [
        404,
        `the recording /var/lib/freeswitch/storage/voicemail/default/support/msg_1.wav is not in this router's recordings directory (${dir}): it is kept by FreeSWITCH (the console plays it with --freeswitch-storage)`,
      ],
    )
    const gone = await client.request('GET', `/api/inbox/${ids['call-gone']}/recording`)
    t.same(
      [gone.status, (gone.body as { error: string }).error],
      [404, `the recording ${join(dir, 'gone.wav')} is not there any more`],
    )
    t.equal(
      (await client.request('GET', `/api/inbox/${ids['call-sneaky']}/recording`)).status,
      404,
      'nothing outside the directory',
    )
  })

  t.test("mod_voicemail's messages play from FreeSWITCH's storage where this machine mounts it", async (t) => {
    const dir = await tempDir(t, 'ivr-console-rec-')
    const mount = await tempDir(t, 'ivr-console-fs-')
    await mkdir(join(mount, 'voicemail/default/support'), { recursive: true })
    await writeFile(join(mount, 'voicemail/default/support/msg_2.wav'), wavBytes(1))
    const storage = '/var/lib/freeswitch/storage'
    const mounted = await consoleOn(t, store, {
      recordingsDir: dir,
      freeswitchStorage: { freeswitch: storage, local: mount },
    })
    const client = new Client(mounted.url)
    await client.login('vera')
    const ids = await voicemails(store, client, 1, {
      'call-fs-kept': `${storage}/voicemail/default/support/msg_2.wav`,
      'call-fs-out': `${storage}/../../../etc/msg_2.wav`,
      'call-fs-other': '/srv/elsewhere/msg_2.wav',
    })
    const res = await fetch(new URL(`/api/inbox/${ids['call-fs-kept']}/recording`, mounted.url), {
      headers: { cookie: client.cookie!, range: 'bytes=0-9' },
    })
    t.equal(res.status, 206)
    t.equal(res.headers.get('content-range'), `bytes 0-9/${44 + 16000}`)
    await res.arrayBuffer()
    for (const id of ['call-fs-out', 'call-fs-other']) {
      const refused = await client.request('GET', `/api/inbox/${ids[id]}/recording`)
      t.same(refused.status, 404, `${id}: nothing outside the two directories`)
      t.match((refused.body as { error: string }).error, `nor in FreeSWITCH's storage (${storage})`)
    }
  })

  t.test('users: admins add and remove accounts, audited; not their own', async (t) => {
    const added = await users.admin.request('POST', '/api/users', {
      name: 'nina',
      role: 'supervisor',
      password: 'a long enough one',
    })
    t.same(added.body, { ok: true, name: 'nina', role: 'supervisor' })
    const nina = new Client(running.url)
    t.equal((await nina.login('nina', 'a long enough one')).status, 200, 'the new account logs in')
    const twice = await users.admin.request('POST', '/api/users', {
      name: 'nina',
      role: 'viewer',
      password: 'a long enough one',
    })
    t.equal(twice.status, 409)
    const short = await users.admin.request('POST', '/api/users', { name: 'otto', role: 'viewer', password: 'short' })
    t.same([short.status, (short.body as { error: string }).error], [400, 'a password needs at least 10 characters'])
    const badRole = await users.admin.request('POST', '/api/users', {
      name: 'otto',
      role: 'boss',
      password: 'a long enough one',
    })
    t.match(badRole.body, { problems: [{ path: 'role' }] })
    t.match((await users.admin.request('GET', '/api/users')).body, [
      { name: 'ada' },
      { name: 'nina' },
      { name: 'sam' },
      { name: 'vera' },
    ])
    const self = await users.admin.request('POST', '/api/users/remove', { name: 'ada' })
    t.same([self.status, (self.body as { error: string }).error], [409, 'you cannot remove your own account here'])
    t.same((await users.admin.request('POST', '/api/users/remove', { name: 'nina' })).body, { ok: true, name: 'nina' })
    t.equal((await nina.request('GET', '/api/session')).status, 401, 'its session ended with it')
    t.match(
      (await listAudit(store.db)).filter((a) => a.action.startsWith('user.')),
      [
        { actor: 'ada', action: 'user.remove', target: 'nina' },
        { actor: 'ada', action: 'user.add', target: 'nina', detail: { role: 'supervisor' } },
      ],
    )
  })

  t.test('users: an admin changes roles and resets passwords, audited; not their own', async (t) => {
    await users.admin.request('POST', '/api/users', { name: 'omar', role: 'viewer', password: 'a long enough one' })
    const omar = new Client(running.url)
    await omar.login('omar', 'a long enough one')
    t.equal((await omar.request('POST', '/api/agents/minji/status', { status: 'away' })).status, 403)
    t.same((await users.admin.request('POST', '/api/users/role', { name: 'omar', role: 'supervisor' })).body, {
      ok: true,
      name: 'omar',
      role: 'supervisor',
    })
    t.equal(
      (await omar.request('POST', '/api/agents/minji/status', { status: 'available' })).status,
      200,
      'the new role counts at once, in the same session',
    )
    const ownRole = await users.admin.request('POST', '/api/users/role', { name: 'ada', role: 'viewer' })
    t.same([ownRole.status, (ownRole.body as { error: string }).error], [409, 'you cannot change your own role here'])
    t.equal((await omar.request('POST', '/api/users/role', { name: 'omar', role: 'admin' })).status, 403)
    t.equal((await users.admin.request('POST', '/api/users/role', { name: 'nobody', role: 'admin' })).status, 404)

    const short = await users.admin.request('POST', '/api/users/password', { name: 'omar', password: 'short' })
    t.equal(short.status, 400)
    const reset = await users.admin.request('POST', '/api/users/password', { name: 'omar', password: 'reset by ada!' })
    t.same(reset.body, { ok: true, name: 'omar' })
    t.equal((await omar.request('GET', '/api/session')).status, 401, 'a reset ends the account’s sessions')
    t.equal((await omar.login('omar', 'a long enough one')).status, 401, 'the old password no longer works')
    t.equal((await omar.login('omar', 'reset by ada!')).status, 200)
    const ownReset = await users.admin.request('POST', '/api/users/password', { name: 'ada', password: 'x'.repeat(12) })
    t.equal(ownReset.status, 409, 'an admin changes their own password under Account')
    t.match(
      (await listAudit(store.db)).filter((a) => a.target === 'omar' && a.action !== 'user.add'),
      [
        { actor: 'ada', action: 'user.passwd', target: 'omar' },
        { actor: 'ada', action: 'user.role', target: 'omar', detail: { role: 'supervisor' } },
      ],
    )
  })

  t.test('account: anyone changes their own password, knowing the current one', async (t) => {
    await users.admin.request('POST', '/api/users', { name: 'pia', role: 'viewer', password: 'first password' })
    const pia = new Client(running.url)
    const elsewhere = new Client(running.url)
    await pia.login('pia', 'first password')
    await elsewhere.login('pia', 'first password')
    const wrong = await pia.request('POST', '/api/session/password', { current: 'not it', password: 'second password' })
    t.same([wrong.status, (wrong.body as { error: string }).error], [403, 'the current password is wrong'])
    const short = await pia.request('POST', '/api/session/password', { current: 'first password', password: 'short' })
    t.equal(short.status, 400)
    const withoutCsrf = await pia.request(
      'POST',
      '/api/session/password',
      { current: 'first password', password: 'second password' },
      { csrf: false },
    )
    t.equal(withoutCsrf.status, 403, 'a change needs the CSRF token')
    const changed = await pia.request('POST', '/api/session/password', {
      current: 'first password',
      password: 'second password',
    })
    t.match(changed.body, { user: { name: 'pia', role: 'viewer' }, csrf: /./ })
    t.equal((await elsewhere.request('GET', '/api/session')).status, 401, 'the other sessions end')
    t.equal((await pia.request('GET', '/api/session')).status, 401, 'this one too: the page gets a new one')
    pia.cookie = changed.headers.get('set-cookie')!.split(';')[0]
    pia.csrf = (changed.body as { csrf: string }).csrf
    t.equal((await pia.request('GET', '/api/session')).status, 200, 'the new session works')
    t.equal((await new Client(running.url).login('pia', 'second password')).status, 200)
    t.match(
      (await listAudit(store.db)).filter((a) => a.target === 'pia' && a.action === 'user.passwd'),
      [{ actor: 'pia', action: 'user.passwd', target: 'pia' }],
    )
  })

  t.test('log out ends the session', async (t) => {
    const client = new Client(running.url)
    await client.login('vera')
    t.equal((await client.request('GET', '/api/session')).status, 200)
    t.equal((await client.request('DELETE', '/api/session')).status, 200)
    t.equal((await client.request('GET', '/api/session')).status, 401)
  })
})

t.test(`log-in is rate-limited per address (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await addUsers(store, { admin: 'ada' })
  const running = await consoleOn(t, store, { session: { loginLimit: { max: 3, windowMs: 60_000 } } })
  const client = new Client(running.url)
  for (let i = 0; i < 3; i++) t.equal((await client.login('ada', 'wrong password')).status, 401)
  const limited = await client.login('ada')
  t.equal(limited.status, 429, 'even the right password waits')
})

type BoardEvent = { event: string; data: unknown }

/** Reads the board's server-sent events one at a time. */
class EventReader {
  private buffer = ''
  private waiting: ((e: BoardEvent) => void)[] = []
  private ready: BoardEvent[] = []
  private req

  constructor(base: string, cookie: string) {
    this.req = httpRequest(new URL('/api/board/events', base), { headers: { cookie } }, (res) => {
      res.setEncoding('utf8').on('data', (chunk: string) => {
        this.buffer += chunk
        let end
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end)
          this.buffer = this.buffer.slice(end + 2)
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (data === undefined) continue
          const parsed = { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) as unknown }
          const next = this.waiting.shift()
          if (next) next(parsed)
          else this.ready.push(parsed)
        }
      })
    })
    this.req.end()
  }

  next(): Promise<BoardEvent> {
    if (this.ready.length > 0) return Promise.resolve(this.ready.shift()!)
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  close(): void {
    this.req.destroy()
  }
}

t.test(`behind a TLS proxy the session cookie is Secure, and only a trusted proxy says so (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await addUsers(store, { admin: 'ada' })
  const cookieOf = async (url: string) => {
    const res = await fetch(new URL('/api/session', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ name: 'ada', password: PASSWORD }),
    })
    t.equal(res.status, 200)
    return res.headers.get('set-cookie') ?? ''
  }
  const trusting = await consoleOn(t, store, { trustProxy: '127.0.0.1' })
  const secure = await cookieOf(trusting.url)
  t.match(secure, /; Secure/, 'the proxy terminated TLS: Secure')
  t.match(secure, /; HttpOnly/)
  t.match(secure, /; SameSite=Strict/)
  const logins = (await listAudit(store.db)).filter((a) => a.action === 'session.login')
  t.equal(logins[0]?.origin, '203.0.113.7', 'the audit row carries the client behind the proxy')
  const plain = await consoleOn(t, store)
  t.notMatch(await cookieOf(plain.url), /Secure/, 'a proxy not trusted cannot make a plain HTTP cookie Secure')
})

/**
 * `ivr-router doctor` against the FreeSWITCH simulator's inbound Event Socket and a real database: everything
 * passing (the CLI, exit 0, --json), a missing module, a wrong password, an ACL rejection, FreeSWITCH away, a
 * dialplan that does not reach the router, an unmigrated database.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { CheckResult } from '../../lib/doctor/check.js'
import { checkDatabase, checkOpenStore } from '../../lib/doctor/database.js'
import { checkFreeSwitch, REQUIRED_MODULES, type FreeSwitchCheckOptions } from '../../lib/doctor/freeswitch.js'
import { findRecipe } from '../../lib/recipes.js'
import { applyDocuments } from '../../lib/store/apply.js'
import { PGlite } from '@electric-sql/pglite'
import { commands } from '../../lib/cli/commands.js'
import { runCli } from '../../lib/cli/main.js'
import { migrationState } from '../../lib/doctor/migrations.js'
import { formatReport } from '../../lib/doctor/run.js'
import { MIGRATIONS_FOLDER, type Store } from '../../lib/store/db.js'
import { sql } from 'drizzle-orm'
import { bindNumber } from '../../lib/store/numbers.js'
import { FakeInboundSwitch, type InboundOptions } from '../../lib/testing/fake-freeswitch/index.js'
import { loadString } from '../../lib/workflow/load.js'
import { dbKind, testStore } from '../helpers/db.js'
import { freePort } from '../helpers/net.js'

const DIALPLAN = await readFile(new URL('../../freeswitch/dialplan/ivr-router.xml', import.meta.url), 'utf8')
const PASSWORD = 's3cret'
const SOUNDS = '/usr/local/freeswitch/share/freeswitch/sounds/en/us/callie'
type Journal = { entries: { idx: number; when: number; tag: string }[] }

async function fakeSwitch(t: Test, options: InboundOptions = {}): Promise<{ port: number; fs: FakeInboundSwitch }> {
  const fs = new FakeInboundSwitch({
    password: PASSWORD,
    modules: [...REQUIRED_MODULES, 'mod_sofia'],
    dialplan: { public: DIALPLAN },
    // As in the fourth batch of traces (inbound_auth), with the bundle's sessions-per-second.
    globals: { domain: '127.0.0.1', sound_prefix: SOUNDS },
    sessionsPerSecond: 1000,
    localStreams: {
      default: '/usr/local/freeswitch/share/freeswitch/sounds/music/8000',
      'moh/8000': '/usr/local/freeswitch/share/freeswitch/sounds/music/8000',
    },
    files: [`${SOUNDS}/ivr/ivr-call_cannot_be_completed_as_dialed.wav`],
    users: {
      'ivr-fallback@127.0.0.1': {},
      '1000@127.0.0.1': { contact: 'sofia/internal/sip:1000@192.0.2.10:5060' },
      '1001@127.0.0.1': { contact: 'sofia/internal/sip:1001@192.0.2.11:5060' },
    },
    ...options,
  })
  const { port } = await fs.listen()
  t.teardown(() => fs.close())
  return { port, fs }
}

function options(port: number, more: Partial<FreeSwitchCheckOptions> = {}): FreeSwitchCheckOptions {
  return {
    host: '127.0.0.1',
    port,
    password: PASSWORD,
    timeoutMs: 3000,
    modules: REQUIRED_MODULES,
    context: 'public',
    listen: '127.0.0.1:8084',
    numbers: ['+827012345678'],
    ...more,
  }
}

/** The database of `store` where a CLI process can open it: the same PostgreSQL, or a PGlite directory from a dump. */
async function onDisk(t: Test, store: Store & { env: NodeJS.ProcessEnv; url?: string }): Promise<NodeJS.ProcessEnv> {
  if (store.url) return store.env
  const dump = (await (store.db as unknown as { $client: PGlite }).$client.dumpDataDir('gzip')) as Blob
  const dir = await mkdtemp(join(tmpdir(), 'ivr-doctor-db-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const copy = await PGlite.create(join(dir, 'db'), { loadDataDir: dump })
  await copy.close()
  return { DATABASE_URL: '', IVR_DATA_DIR: join(dir, 'db') }
}

/** Runs the CLI in this process (as bin/ivr-router does) and returns its exit code and output. */
async function doctor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string }> {
  const out: string[] = []
  const write = process.stdout.write
  const saved = { DATABASE_URL: process.env.DATABASE_URL, IVR_DATA_DIR: process.env.IVR_DATA_DIR }
  Object.assign(process.env, env)
  process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write
  try {
    return { code: await runCli(['doctor', ...args], commands), stdout: out.join('') }
  } finally {
    process.stdout.write = write
    process.exitCode = undefined
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
  }
}

/** One migrated database for the file (a fresh one costs seconds); the migrations test, last, breaks it. */
const store = await testStore(t)

const line = (results: CheckResult[], name: string) => results.find((r) => r.name === name)

t.test(`all checks pass: exit 0, one JSON object (${dbKind})`, async (t) => {
  const recipe = findRecipe('ivr-experience-design')!
  const applied = await applyDocuments(store, loadString(recipe.text, 'recipe.yaml'), {
    region: 'KR',
    importedBy: 'test',
  })
  t.ok(applied.ok)
  t.ok((await bindNumber(store, '070-1234-5678', 'ivr-experience-design', 'KR')).ok)
  const env = await onDisk(t, store)
  const { port, fs } = await fakeSwitch(t)
  const dir = await mkdtemp(join(tmpdir(), 'ivr-doctor-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const args = ['--freeswitch', `127.0.0.1:${port}`, '--password', PASSWORD]
  const paths = ['--tts-dir', join(dir, 'tts'), '--recordings', join(dir, 'recordings')]
  const run = await doctor([...args, ...paths, '--json'], env)
  t.equal(run.code, 0, run.stdout)
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: CheckResult[] }
  t.equal(report.ok, true)
  t.same(
    report.checks.map((c) => c.name),
    [
      'database reachable',
      'database migrated',
      'TTS renders Korean',
      'TTS directory writable',
      'recordings directory writable',
      'FreeSWITCH event socket',
      'FreeSWITCH ready',
      ...REQUIRED_MODULES.map((m) => `module ${m}`),
      'dialplan routes +827012345678',
      'fallback prompt',
      'fallback mailbox',
      'hold music',
      'sessions per second',
      'agent minji',
      'agent junho',
    ],
  )
  t.ok(
    report.checks.every((c) => c.ok),
    JSON.stringify(report.checks.filter((c) => !c.ok)),
  )
  t.match(line(report.checks, 'TTS renders Korean')?.detail, /^8000 Hz, 1 channel\(s\), 16-bit, \d+\.\d s$/)
  t.match(
    line(report.checks, 'dialplan routes +827012345678')?.detail,
    '07012345678 → extension ivr-router: socket 127.0.0.1:8084|127.0.0.1:8085 async full',
  )
  t.same(
    fs.commands.filter((c) => c.startsWith('bgapi')),
    [
      'bgapi status',
      ...REQUIRED_MODULES.map((m) => `bgapi module_exists ${m}`),
      'bgapi xml_locate dialplan context name public',
      'bgapi global_getvar sound_prefix',
      `bgapi file_exists ${SOUNDS}/ivr/ivr-call_cannot_be_completed_as_dialed.wav`,
      'bgapi user_exists id ivr-fallback 127.0.0.1',
      'bgapi local_stream show',
      'bgapi fsctl sps',
      'bgapi global_getvar domain',
      'bgapi user_exists id 1000 127.0.0.1',
      'bgapi sofia_contact 1000@127.0.0.1',
      'bgapi user_exists id 1001 127.0.0.1',
      'bgapi sofia_contact 1001@127.0.0.1',
    ],
    'one bgapi per check, nothing else',
  )

  const text = formatReport(report.checks)
  t.match(text, /^pass {2}database reachable {2,}/)
  t.match(text, /\nall 20 checks passed\n$/)
})

t.test(
  'what broke on the real switch: stock sessions per second, no stream, no prompt, no boxes, agents away',
  async (t) => {
    const { port } = await fakeSwitch(t, {
      sessionsPerSecond: 30,
      localStreams: { default: '/usr/local/freeswitch/share/freeswitch/sounds/music/8000' },
      files: [],
      users: { '1000@127.0.0.1': {}, 'support@pbx.example.com': {} },
    })
    const results = await checkFreeSwitch(
      options(port, {
        setup: {
          holdMusic: 'local_stream://moh',
          callsPerSecond: 20,
          voicemail: { domain: 'pbx.example.com', boxes: ['support', '827012345678'] },
          agents: [
            { name: 'minji', dial: 'user/1000' },
            { name: 'junho', dial: 'user/1099@127.0.0.1' },
            { name: 'trunk', dial: 'sofia/gateway/carrier/01012345678' },
          ],
        },
      }),
    )
    const seen = (name: string) => line(results, name)
    t.match(seen('sessions per second'), {
      ok: false,
      detail: 'limit 30, 20 calls/s need 40: FreeSWITCH refuses the rest ("Throttle Error")',
      hint: /sessions-per-second/,
    })
    t.match(seen('hold music'), {
      ok: false,
      detail: /local_stream:\/\/moh: no such stream \(local_stream show: default\)/,
    })
    t.match(seen('fallback prompt'), {
      ok: false,
      detail: `${SOUNDS}/ivr/ivr-call_cannot_be_completed_as_dialed.wav does not exist`,
    })
    t.match(seen('fallback mailbox'), { ok: false, detail: /ivr-fallback@127\.0\.0\.1 is not in the directory/ })
    t.match(seen('voicemail box support'), { ok: true, detail: 'support@pbx.example.com' })
    t.match(seen('voicemail box 827012345678'), { ok: false, hint: /directory user 827012345678/ })
    t.match(seen('agent minji'), {
      ok: true,
      warn: true,
      detail: 'user/1000: not registered (error/user_not_registered)',
    })
    t.match(seen('agent junho'), {
      ok: true,
      warn: true,
      detail: 'user/1099@127.0.0.1: no user 1099 in domain 127.0.0.1',
    })
    t.match(seen('agent minji')?.hint, /ivr-router agent add minji --dial/)
    t.equal(seen('agent trunk'), undefined, 'only user/… dial strings are asked about')
    t.match(formatReport(results), /\nwarn {2}agent minji +user\/1000: not registered/)
  },
)

t.test(`the boxes mod_voicemail may open and the agents, from the database (${dbKind})`, async (t) => {
  const doc = 'name: vm-flow\nsteps:\n  A:\n    - voicemail: { box: sales-box }\n'
  t.ok((await applyDocuments(store, loadString(doc, 'vm.yaml'), { region: 'KR', importedBy: 'test' })).ok)
  const report = await checkOpenStore(store)
  t.same([...(report.boxes ?? [])].sort(), ['827012345678', 'orders', 'sales-box', 'shipping', 'support'])
  t.same(report.agents, [
    { name: 'minji', dial: 'user/1000' },
    { name: 'junho', dial: 'user/1001' },
  ])
})

t.test('without mod_commands: its hint names the commands the router needs', async (t) => {
  const { port } = await fakeSwitch(t, { modules: REQUIRED_MODULES.filter((m) => m !== 'mod_commands') })
  const results = await checkFreeSwitch(options(port))
  t.match(line(results, 'module mod_commands'), { ok: false, hint: /uuid_break, uuid_setvar_multi, uuid_getvar/ })
})

t.test('a module that is not loaded fails with its hint; the others pass', async (t) => {
  const { port } = await fakeSwitch(t, { modules: REQUIRED_MODULES.filter((m) => m !== 'mod_voicemail') })
  const results = await checkFreeSwitch(options(port, { modules: [...REQUIRED_MODULES, 'mod_tts_commandline'] }))
  t.same(
    results.filter((r) => !r.ok).map((r) => [r.name, r.detail]),
    [
      ['module mod_voicemail', 'not loaded'],
      ['module mod_tts_commandline', 'not loaded'],
    ],
  )
  t.match(line(results, 'module mod_voicemail')?.hint, /<load module="mod_voicemail"\/>.*voicemail\.conf\.xml/)
  t.match(line(results, 'module mod_tts_commandline')?.hint, /tts_commandline\.conf\.xml/)
  t.match(line(results, 'FreeSWITCH ready'), {
    ok: true,
    detail: /^FreeSWITCH \(Version 1\.10\.12-release 64bit\) is ready$/,
  })
})

t.test('a wrong password: one failure naming the password, and FreeSWITCH hung up on us', async (t) => {
  const { port, fs } = await fakeSwitch(t)
  const results = await checkFreeSwitch(options(port, { password: 'ClueCon' }))
  t.same(results.length, 1)
  t.match(results[0], {
    name: 'FreeSWITCH event socket',
    ok: false,
    detail: `FreeSWITCH at 127.0.0.1:${port} refused the password (-ERR invalid)`,
    hint: /event_socket\.conf\.xml/,
  })
  t.same(fs.commands.slice(0, 1), ['auth ClueCon'])
})

t.test('rejected by the ACL', async (t) => {
  const { port } = await fakeSwitch(t, { allow: () => false })
  const [result] = await checkFreeSwitch(options(port))
  t.match(result, { ok: false, detail: /rejected this host \(Access Denied\)/, hint: /apply-inbound-acl/ })
})

t.test('FreeSWITCH unreachable: the connection error, at once', async (t) => {
  const port = await freePort()
  const [result] = await checkFreeSwitch(options(port))
  t.match(result, {
    ok: false,
    detail: `cannot connect to FreeSWITCH at 127.0.0.1:${port}: ECONNREFUSED`,
    hint: /mod_event_socket/,
  })
})

t.test('not ready: status says so', async (t) => {
  const { port } = await fakeSwitch(t, { ready: false })
  t.match(line(await checkFreeSwitch(options(port)), 'FreeSWITCH ready'), { ok: false, detail: /is not ready$/ })
})

t.test('dialplan: unknown context, unmatched number, socket elsewhere, socket without full', async (t) => {
  const extension = (pattern: string, data: string) =>
    `<include><extension name="local"><condition field="destination_number" expression="^1\\d{3}$">` +
    `<action application="bridge" data="user/$1"/></condition></extension>` +
    `<extension name="router"><condition field="destination_number" expression="${pattern}">` +
    `<action application="socket" data="${data}"/></condition></extension></include>`
  const { port } = await fakeSwitch(t, {
    dialplan: {
      narrow: extension('^\\+8280\\d+$', '127.0.0.1:8084 async full'),
      elsewhere: extension('^0\\d+$', '10.0.0.9:8084 async full'),
      single: extension('^0\\d+$', '127.0.0.1:8084 async'),
      bare: extension('^0\\d+$', '127.0.0.1:8084 async full'),
      pcre: extension('^0\\d++$', '127.0.0.1:8084 async full'),
    },
  })
  const check = async (context: string) => (await checkFreeSwitch(options(port, { context }))).at(-1)!
  t.match(await check('public'), { name: 'dialplan context public', ok: false, detail: /found no context "public"/ })
  t.match(await check('narrow'), {
    ok: false,
    detail:
      'no socket extension in context narrow (07012345678 → no extension; +827012345678 → no extension; 827012345678 → no extension)',
  })
  t.match(await check('elsewhere'), { ok: false, hint: /this router listens on 127\.0\.0\.1:8084/ })
  t.match(await check('single'), { ok: false, hint: /async full/ })
  t.match(await check('bare'), { ok: false, detail: /nothing after it: callers are cut off/, hint: /fallback/ })
  t.match(await check('pcre'), { ok: false, detail: /^cannot evaluate the dialplan: Invalid regular expression/ })
  const none = await checkFreeSwitch(options(port, { context: 'single', numbers: [] }))
  t.match(none.at(-1), { name: 'dialplan reaches the router', ok: false, hint: /number bind/ })
})

t.test(`migrations: none applied, or the router is newer than the database (${dbKind})`, async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'ivr-doctor-migrations-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true })
  const journal = JSON.parse(await readFile(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal
  const newest = journal.entries.at(-1)!
  journal.entries.push({ ...newest, idx: newest.idx + 1, when: newest.when + 1, tag: '9999_next' })
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal))
  await writeFile(join(folder, '9999_next.sql'), 'select 1;')
  t.match(await migrationState(store, folder), { pending: ['9999_next'], unknown: 0 }, 'a router upgraded first')
  t.match((await checkOpenStore(store)).results[1], { name: 'database migrated', ok: true })

  await store.db.execute(sql`drop schema drizzle cascade`)
  const { results, numbers } = await checkOpenStore(store)
  t.match(results[0], { name: 'database reachable', ok: true })
  t.match(results[1], {
    name: 'database migrated',
    ok: false,
    detail: `${journal.entries.length - 1} of ${journal.entries.length - 1} migrations not applied: ${journal.entries
      .slice(0, -1)
      .map((e) => e.tag)
      .join(', ')}`,
    hint: /ivr-router db migrate/,
  })
  t.same(numbers, [])
})

t.test('no embedded database there: nothing is created', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ivr-doctor-none-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { results } = await checkDatabase({ kind: 'pglite', dataDir: join(dir, 'db') })
  t.match(results, [{ ok: false, detail: `no database at ${join(dir, 'db')}` }, { ok: false }])
  const run = await doctor(['--data-dir', join(dir, 'db'), '--tts-dir', dir, '--recordings', dir])
  t.equal(run.code, 1, 'a failed check exits 1')
  t.match(run.stdout, /^FAIL {2}database reachable/)
  t.match(run.stdout, /\n2 of 5 checks failed\n$/)
})

t.test('an embedded database held by a running serve passes: serve migrated it when it started', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ivr-doctor-locked-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const dataDir = join(dir, 'db')
  await mkdir(dataDir)
  // The lock serve holds: a live process's pid beside the directory (this one stands in for serve).
  await writeFile(`${dataDir}.lock`, `${process.pid}\n`)
  const { results, numbers } = await checkDatabase({ kind: 'pglite', dataDir })
  t.match(results, [
    {
      name: 'database reachable',
      ok: true,
      detail: `embedded PGlite in ${dataDir}: the embedded database in ${dataDir} is in use by process ${process.pid} (a running serve?)`,
    },
    { name: 'database migrated', ok: true },
  ])
  t.same(numbers, [], 'bound numbers cannot be read: --number names the ones to route')
})

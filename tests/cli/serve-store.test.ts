/**
 * End to end as an operator does it: `apply` and `number bind` with the CLI, `serve` on the database as a process,
 * calls from the FreeSWITCH simulator, then the rows in SQL.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { cli } from '../helpers/cli.js'
import { freePort } from '../helpers/net.js'
import { testDatabase } from '../helpers/db.js'
import { openStore, rows } from '../../lib/store/db.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test('apply, bind, serve, call: the call is in the tables', async (t) => {
  const db = await testDatabase(t)
  t.equal((await cli(['db', 'migrate'], db.env)).code, 0)
  const applied = await cli(['apply', 'recipes/callback-when-busy.yaml'], db.env)
  t.equal(applied.code, 0, applied.stderr)
  const bound = await cli(['number', 'bind', '02-555-0100', 'support-line'], db.env)
  t.equal(bound.code, 0, bound.stderr)

  const port = await freePort()
  const scratch = mkdtempSync(join(tmpdir(), 'ivr-serve-store-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/ivr-router.ts', 'serve', '--listen', `127.0.0.1:${port}`, '--no-demo'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...db.env, IVR_SPOOL_DIR: join(scratch, 'spool'), IVR_TTS_DIR: join(scratch, 'tts') },
    },
  )
  t.teardown(() => child.kill('SIGKILL'))
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (stderr.includes('ivr-router listening')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)))
  })
  t.match(stderr, /database: /, 'says which database')

  const fs = new FakeFreeSwitch({ seed: 11 })
  // answer, the message, ring seoyeon (busy), hold music: the caller hangs up in it.
  const sim = await fs.call({
    port,
    channel: { destination: '025550100', callerNumber: '01055556666' },
    script: { bridges: ['busy'], hangup: { duringApp: 4, afterMs: 100 } },
  }).result
  t.equal(sim.closeReason, 'exit')
  const exited = new Promise((resolve) => child.on('exit', resolve))
  child.kill('SIGTERM')
  t.equal(await exited, 0)

  const store = await openStore(db.config)
  t.teardown(() => store.close())
  const calls = await rows<{ id: string; workflow: string; outcome: string; inbox_reason: string; caller: string }>(
    store.db,
    sql`select id, workflow, outcome, inbox_reason, caller from calls`,
  )
  t.match(calls, [
    {
      id: sim.uuid,
      workflow: 'support-line',
      outcome: 'missed',
      inbox_reason: 'queue_abandoned',
      caller: '+821055556666',
    },
  ])
  const inbox = await rows<{ reason: string; team: string }>(store.db, sql`select reason, team from inbox`)
  t.match(inbox, [{ reason: 'queue_abandoned', team: 'support' }])
  const [events] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from call_events`)
  t.ok(events!.n >= 5, 'the call events are stored')
})

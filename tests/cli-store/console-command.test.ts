/** `ivr-router console` as its own process: listens where told, says it is loopback only, refuses anonymous users, stops on SIGTERM. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { dbKind, testDatabase } from '../helpers/db.js'
import { freePort } from '../helpers/net.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test(`ivr-router console (${dbKind})`, async (t) => {
  const db = await testDatabase(t)
  const setup = await openStore(db.config)
  await migrateStore(setup)
  await setup.close()
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/ivr-router.ts', 'console', '--listen', `127.0.0.1:${port}`],
    {
      cwd: root,
      env: { ...process.env, ...db.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => void child.kill('SIGKILL'))
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (stderr.includes('console on')) resolve()
    })
    void exited.then((code) => reject(new Error(`console exited ${code}: ${stderr}`)))
  })
  t.match(stderr, `"msg":"console on http://127.0.0.1:${port}/ (this machine only)"`)
  const res = await fetch(`http://127.0.0.1:${port}/api/board`)
  t.equal(res.status, 401)
  t.same(await res.json(), { error: 'log in first' })
  child.kill('SIGTERM')
  t.equal(await exited, 0)
})

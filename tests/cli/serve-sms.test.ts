/**
 * `serve` as a process on the database with `--sms-provider webhook`: a call's SMS reaches a receiver on loopback,
 * signed, and the secret appears nowhere in the logs; bad voicemail and SMS options are refused before it starts.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cli } from '../helpers/cli.js'
import { testDatabase } from '../helpers/db.js'
import { freePort } from '../helpers/net.js'
import { applyYaml } from '../helpers/store.js'
import { migrateStore, openStore } from '../../lib/store/db.js'
import { bindNumber } from '../../lib/store/numbers.js'
import { SIGNATURE_HEADER, verifySignature } from '../../lib/sms/signature.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const SECRET = 'never-in-the-logs-7f3a'

t.test('bad options are refused before serving', async (t) => {
  const [noUrl, noDomain, badLimit] = await Promise.all([
    cli(['serve', '--sms-provider', 'webhook'], { IVR_SMS_WEBHOOK_URL: '' }),
    cli(['serve', '--voicemail', 'mod_voicemail']),
    cli(['serve', '--sms-provider', 'webhook', '--sms-webhook-url', 'http://x/', '--sms-rate-limit', '3/week']),
  ])
  t.equal(noUrl.code, 1)
  t.equal(
    noUrl.stderr,
    'ivr-router: --sms-provider webhook needs --sms-webhook-url http(s)://… (or IVR_SMS_WEBHOOK_URL)\n',
  )
  t.equal(noDomain.code, 1)
  t.equal(noDomain.stderr, 'ivr-router: --voicemail mod_voicemail needs --voicemail-domain\n')
  t.equal(badLimit.code, 1)
  t.equal(badLimit.stderr, 'ivr-router: --sms-rate-limit "3/week": a count per period, e.g. 3/h, 10/d, 1/30m\n')
})

t.test('a call texts the caller through the webhook', async (t) => {
  const db = await testDatabase(t)
  const store = await openStore(db.config)
  await migrateStore(store)
  await applyYaml(
    store,
    'name: texter\nsteps:\n  A:\n    - sms: { text: "{{caller}}님, 예약 안내입니다." }\n    - hangup: {}\n',
  )
  t.match(await bindNumber(store, '070-1234-5678', 'texter', 'KR'), { ok: true })
  await store.close()

  const bodies: { body: string; signature: string | undefined }[] = []
  let delivered: () => void = () => {}
  const received = new Promise<void>((resolve) => (delivered = resolve))
  const receiver = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8').on('data', (d: string) => (body += d))
    req.on('end', () => {
      bodies.push({ body, signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined })
      res.writeHead(200).end()
      delivered()
    })
  })
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  t.teardown(() => receiver.close())
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sms`

  const port = await freePort()
  const scratch = mkdtempSync(join(tmpdir(), 'ivr-serve-sms-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--no-demo', '--sms-provider', 'webhook']
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/ivr-router.ts', ...args, '--sms-webhook-url', url], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...db.env,
      IVR_SMS_WEBHOOK_SECRET: SECRET,
      IVR_SPOOL_DIR: join(scratch, 'spool'),
      IVR_TTS_DIR: join(scratch, 'tts'),
    },
  })
  t.teardown(() => child.kill('SIGKILL'))
  let logs = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (logs += d))
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      logs += d
      if (logs.includes('ivr-router listening')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${logs}`)))
  })
  t.match(logs, /sms: delivering through webhook/)

  const sim = await new FakeFreeSwitch({ seed: 5 }).call({
    port,
    channel: { destination: '07012345678', callerNumber: '01012345678' },
    script: {},
  }).result
  t.equal(sim.closeReason, 'exit')
  await received
  const exited = new Promise((resolve) => child.on('exit', resolve))
  child.kill('SIGTERM')
  t.equal(await exited, 0)

  t.equal(bodies.length, 1)
  const [{ body, signature }] = bodies as [(typeof bodies)[0]]
  t.ok(verifySignature(SECRET, body, signature), 'signed with the secret from the environment')
  t.match(JSON.parse(body), { to: '+821012345678', text: '+821012345678님, 예약 안내입니다.', callId: sim.uuid })
  t.notMatch(logs, SECRET, 'the secret is never logged')
  t.match(logs, /sms sent/)
})

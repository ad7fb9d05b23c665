/** `serve` as a process with a config file and --metrics: scraped during a call, not ready as soon as SIGTERM comes. */
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { get, scrape, value } from '../helpers/metrics.js'
import { freePort } from '../helpers/net.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test('serve: metrics during a call, 503 on SIGTERM while the call drains, exit 0', async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()]
  const dir = mkdtempSync(join(tmpdir(), 'ivr-serve-metrics-'))
  const config = join(dir, 'ivr-router.yaml')
  writeFileSync(config, `metrics: 127.0.0.1:${metricsPort}\ndrainSeconds: 20\nrecords: ${join(dir, 'calls.jsonl')}\n`)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bin/ivr-router.ts',
      'serve',
      'recipes/callback-when-busy.yaml',
      '--config',
      config,
      '--listen',
      `127.0.0.1:${port}`,
      '--recordings',
      join(dir, 'rec'),
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, IVR_TTS_DIR: join(dir, 'tts') } },
  )
  t.teardown(() => child.kill('SIGKILL'))
  let stderr = ''
  const seen = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => stderr.includes(text) && resolve()
      child.stderr.on('data', check)
      child.on('exit', (code) => reject(new Error(`serve exited ${code} before "${text}": ${stderr}`)))
      check()
    })
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  await seen('ivr-router listening')
  t.equal((await get(metricsPort, '/readyz')).status, 200, 'ready once listening')

  // The caller is held with music after seoyeon does not answer, until the test hangs up.
  const fs = new FakeFreeSwitch({ seed: 3 })
  const call = fs.call({ port, channel: { destination: '07012345678' }, script: { bridges: ['no-answer'] } })
  await seen('call started')
  t.equal(value(await scrape(metricsPort), 'ivr_calls_in_progress'), 1)

  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  child.kill('SIGTERM')
  await seen('stopping: not ready')
  const ready = await get(metricsPort, '/readyz')
  t.equal(ready.status, 503, 'not ready while draining')
  t.match(JSON.parse(ready.body), { checks: { draining: 'draining: no new calls', storage: 'ok', caches: 'ok' } })
  t.equal((await get(metricsPort, '/healthz')).status, 200, 'still alive')

  call.hangup()
  const sim = await call.result
  t.equal(await exited, 0, 'exit 0 after the drain')
  t.equal(sim.closeReason, 'exit', 'the live call finished normally')
  await t.rejects(get(metricsPort, '/healthz'), 'the metrics port is closed after the stop')
})

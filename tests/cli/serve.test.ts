/** `ivr-router serve` as a process: it listens, takes calls, and drains on SIGTERM. */
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../helpers/net.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

t.test('serve takes a call, then drains on SIGTERM and exits 0', async (t) => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'ivr-serve-'))
  const records = join(dir, 'calls.jsonl')
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bin/ivr-router.ts',
      'serve',
      'recipes/callback-when-busy.yaml',
      '--listen',
      `127.0.0.1:${port}`,
      '--records',
      records,
      '--recordings',
      join(dir, 'rec'),
      '--drain-seconds',
      '20',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, IVR_TTS_DIR: join(dir, 'tts') } },
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
  t.match(stderr, /socket.*async full/, 'prints the dialplan line')

  const fs = new FakeFreeSwitch({ seed: 3 })
  // The support line answers (1), plays a message (2), rings seoyeon who does not answer (3), then holds the caller
  // with music (4): the caller hangs up 500 ms into that.
  const started = new Promise<void>((resolve) => {
    child.stderr.on('data', () => stderr.includes('call started') && resolve())
  })
  const call = fs.call({
    port,
    channel: { destination: '07012345678' },
    script: { bridges: ['no-answer'], hangup: { duringApp: 4, afterMs: 500 } },
  })
  // Once the call is in the router's hands, ask the router to stop: the call must still finish.
  await started
  child.kill('SIGTERM')
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const sim = await call.result
  t.equal(await exited, 0, 'exit 0 after the drain')
  t.equal(sim.closeReason, 'exit', 'the live call finished normally')
  const lines = readFileSync(records, 'utf8').trim().split('\n')
  t.equal(lines.length, 1, 'its record was written')
  t.match(JSON.parse(lines[0]!), { workflow: 'support-line', dialed: '+827012345678' })
})

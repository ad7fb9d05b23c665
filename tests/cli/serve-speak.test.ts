/** `serve` in speak mode (from its config file): `say` prompts reach FreeSWITCH as `speak ENGINE|VOICE|TEXT`. */
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../helpers/net.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

const WORKFLOW = `
name: spoken
steps:
  A:
    - message: { say: "안녕하세요. 고객센터입니다." }
    - menu:
        prompt: { say: "상담은 1번" }
        options: { "1": B }
  B:
    - hangup: { message: { say: "감사합니다", voice: en } }
`

t.test('prompts: speak in the config file: FreeSWITCH speaks, nothing is rendered', async (t) => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'ivr-speak-'))
  const flow = join(dir, 'spoken.yaml')
  writeFileSync(flow, WORKFLOW)
  const config = join(dir, 'ivr-router.yaml')
  writeFileSync(config, `prompts: speak\nspeakEngine: tts_commandline\nspeakVoice: ko\nrecords: ${dir}/calls.jsonl\n`)
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/ivr-router.ts', 'serve', flow, '--config', config, '--listen', `127.0.0.1:${port}`],
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

  const sim = await new FakeFreeSwitch({ seed: 5 }).call({
    port,
    channel: { destination: '07012345678' },
    script: { keys: ['1'] },
  }).result
  const apps = sim.apps.map((a) => `${a.name} ${a.data ?? ''}`)
  t.ok(apps.includes('speak tts_commandline|ko|안녕하세요. 고객센터입니다.'), 'the message is spoken by FreeSWITCH')
  t.ok(
    apps.some(
      (a) => a.startsWith('play_and_get_digits 1 1 1 ') && a.includes(" 'tts://tts_commandline|ko|상담은 1번' "),
    ),
    'the menu prompt is one quoted tts:// argument',
  )
  t.ok(apps.includes('speak tts_commandline|en|감사합니다'), "a prompt's own voice wins")
  t.same(sim.dangerous, [])
  t.same(
    readdirSync(dir).filter((f) => f === 'tts'),
    [],
    'no WAV file rendered',
  )
})

t.test('a speak engine FreeSWITCH could not take is refused at start', async (t) => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'ivr-speak-'))
  const flow = join(dir, 'spoken.yaml')
  writeFileSync(flow, WORKFLOW)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bin/ivr-router.ts',
      'serve',
      flow,
      '--prompts',
      'speak',
      '--speak-engine',
      '%x',
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.not(code, 0)
  t.match(stderr, /--speak-engine\/--speak-voice: speak engine "%x" is not an engine name/)
})

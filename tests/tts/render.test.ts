/** The renderer with the real espeak-ng and sox (installed here and in CI). */
import t from 'tap'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { createTtsRenderer } from '../../lib/tts/render.js'
import type { TtsConfig } from '../../lib/tts/render.js'
import { readWavSummary as readWav } from '../../lib/doctor/wav.js'

const KOREAN = '안녕하세요, 상담원을 연결합니다.'

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-tts-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** An engine that counts its runs in `dir/runs`, then runs `body` (by default the real espeak-ng). */
function fakeEngine(dir: string, body = 'exec espeak-ng "$@"'): { engine: string; runs(): number } {
  const engine = join(dir, 'engine.sh')
  const count = join(dir, 'runs')
  writeFileSync(engine, `#!/bin/sh\necho run >> '${count}'\n${body}\n`)
  chmodSync(engine, 0o755)
  return { engine, runs: () => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').length - 1 : 0) }
}

function setup(t: { teardown(fn: () => void): void }, config: TtsConfig = {}, body?: string) {
  const root = tempDir(t)
  const fake = fakeEngine(root, body)
  const cache = join(root, 'cache')
  return { ...fake, cache, tts: createTtsRenderer({ engine: fake.engine, dir: cache, ...config }) }
}

t.test('Korean text becomes an 8 kHz mono 16-bit PCM WAV', async (t) => {
  const { tts, cache } = setup(t)
  const file = await tts.render(KOREAN)
  t.ok(isAbsolute(file), file)
  t.ok(file.startsWith(cache + '/'))
  t.match(file, /\/[0-9a-f]{32}\.wav$/)
  const wav = await readWav(file)
  t.same(
    { format: wav.format, channels: wav.channels, sampleRate: wav.sampleRate, bits: wav.bits },
    {
      format: 1,
      channels: 1,
      sampleRate: 8000,
      bits: 16,
    },
  )
  // Fifteen syllables are well over a second of speech.
  t.ok(wav.seconds > 1, `${wav.seconds} s of audio`)
  t.same(readdirSync(cache), [file.slice(cache.length + 1)], 'no temporary files left behind')
})

t.test('a prompt is rendered once', async (t) => {
  const { tts, runs, engine, cache } = setup(t)
  const first = await tts.render(KOREAN)
  const { ino, mtimeMs } = statSync(first)
  t.equal(await tts.render(KOREAN), first)
  t.equal(await tts.render(`  ${KOREAN}\n`), first, 'surrounding blanks do not matter')
  t.equal(await tts.render(KOREAN.normalize('NFD')), first, 'nor Unicode normalisation')
  t.equal(runs(), 1)
  t.same([statSync(first).ino, statSync(first).mtimeMs], [ino, mtimeMs], 'the file was not rewritten')

  // Another renderer on the same directory (another process, or after a restart) reuses the file.
  const again = createTtsRenderer({ engine, dir: cache })
  t.equal(await again.render(KOREAN), first)
  t.equal(runs(), 1)
})

t.test('concurrent renders of one prompt share the work', async (t) => {
  const { tts, runs } = setup(t)
  const files = await Promise.all(Array.from({ length: 8 }, () => tts.render(KOREAN)))
  t.equal(new Set(files).size, 1)
  t.equal(runs(), 1)
  t.equal((await readWav(files[0]!)).sampleRate, 8000)
})

t.test('voice and text make different files', async (t) => {
  const { tts, runs } = setup(t)
  const ko = await tts.render(KOREAN)
  const en = await tts.render(KOREAN, 'en')
  const other = await tts.render('지금은 상담 시간이 아닙니다.')
  t.equal(new Set([ko, en, other]).size, 3)
  t.equal(runs(), 3)
  t.equal((await readWav(en)).sampleRate, 8000)
})

t.test('text starting with "-" is spoken, not taken as options', async (t) => {
  const { tts, cache } = setup(t)
  const evil = join(cache, 'evil.wav')
  const file = await tts.render(`-w ${evil} --help -v en`)
  t.ok((await readWav(file)).seconds > 0.5)
  t.notOk(existsSync(evil))
})

t.test('without sox the engine output is kept, under another name', async (t) => {
  for (const sox of [null, 'no-such-sox-here']) {
    const { tts, runs, engine, cache } = setup(t, { sox })
    const file = await tts.render(KOREAN)
    const wav = await readWav(file)
    t.equal(wav.sampleRate, 22050, `sox ${sox}: espeak-ng's own rate`)
    t.equal(wav.channels, 1)
    t.equal(wav.bits, 16)
    t.ok(wav.seconds > 0.99, 'about a second of speech or more')
    const resampled = await createTtsRenderer({ engine, dir: cache }).render(KOREAN)
    t.not(resampled, file, 'the resampled prompt has its own file')
    t.equal((await readWav(resampled)).sampleRate, 8000)
    t.equal(runs(), 2)
  }
})

t.test('failures', async (t) => {
  await t.rejects(createTtsRenderer({ engine: 'no-such-tts-engine', dir: tempDir(t) }).render(KOREAN), {
    message: 'TTS engine no-such-tts-engine not found: apt-get install espeak-ng',
  })
  const { tts, cache } = setup(t)
  await t.rejects(tts.render(KOREAN, 'xx-no-such-voice'), { message: /failed \(exit code 1\)/ })
  await t.rejects(tts.render(''), RangeError)
  await t.rejects(tts.render(' \n '), RangeError)
  await t.rejects(tts.render('가'.repeat(4001)), RangeError)
  for (const voice of ['-w', '--stdin', 'ko en', 'ko;id', '../ko', ''])
    await t.rejects(tts.render(KOREAN, voice), RangeError, JSON.stringify(voice))
  t.same(existsSync(cache) ? readdirSync(cache) : [], [], 'nothing left behind')

  const failing = setup(t, {}, 'echo "engine exploded" >&2\nexit 3')
  await t.rejects(failing.tts.render(KOREAN), { message: /failed \(exit code 3\): engine exploded/ })
  const silent = setup(t, {}, 'exit 0')
  await t.rejects(silent.tts.render(KOREAN), { message: /produced no audio/ })
  const slow = setup(t, { timeoutMs: 200 }, 'exec sleep 30')
  await t.rejects(slow.tts.render(KOREAN), { message: /timed out after 200 ms/ })
  t.same(readdirSync(slow.cache), [], 'nothing left behind')

  // A failed render is not remembered: the next one tries again.
  await t.rejects(silent.tts.render(KOREAN))
  t.equal(silent.runs(), 2)
})

t.test('configuration', async (t) => {
  t.throws(() => createTtsRenderer({ dir: '/var/tts prompts' }), RangeError)
  t.throws(() => createTtsRenderer({ dir: '/var/${x}' }), RangeError)
  t.throws(() => createTtsRenderer({ rate: 44 }), RangeError)
  t.throws(() => createTtsRenderer({ voice: '-x' }), RangeError)
  const dir = tempDir(t)
  const previous = process.env['IVR_TTS_DIR']
  process.env['IVR_TTS_DIR'] = dir
  t.teardown(() => {
    if (previous === undefined) delete process.env['IVR_TTS_DIR']
    else process.env['IVR_TTS_DIR'] = previous
  })
  const file = await createTtsRenderer().render('네')
  t.ok(file.startsWith(dir + '/'), 'IVR_TTS_DIR is the default directory')
})

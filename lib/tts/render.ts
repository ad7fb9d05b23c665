/**
 * Renders `say` prompts to WAV files FreeSWITCH can `playback`, once per distinct prompt.
 *
 * The file name is a hash of engine, voice, output format and text, so a prompt is rendered on first
 * use and then reused by every call and every router process sharing the directory. The engine is
 * espeak-ng or any program taking its arguments (`-v VOICE -w FILE --stdin`); the text goes through
 * stdin, so it can never become an option. espeak-ng writes 22050 Hz; sox resamples to 8 kHz mono
 * 16-bit PCM, and without sox the engine's own WAV is kept (FreeSWITCH resamples it when playing).
 * See docs/tts.md.
 */
import { execFile } from 'node:child_process'
import type { ExecFileException } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'

export type TtsConfig = {
  /** The engine program (default `espeak-ng`), found on PATH unless absolute. */
  engine?: string
  /** Default voice (default `ko`); a prompt may name another. */
  voice?: string
  /** Cache directory (default `$IVR_TTS_DIR`, else `./var/tts`), made absolute. */
  dir?: string
  /** Output sample rate when resampling (default 8000). */
  rate?: number
  /** The sox program (default `sox`); null keeps the engine's own output. */
  sox?: string | null
  /** Longest an engine or sox run may take (default 10 s). */
  timeoutMs?: number
}

export type TtsRenderer = {
  /** The absolute path of the WAV file saying `text`, rendered now unless it already exists. */
  render(text: string, voice?: string): Promise<string>
}

const MAX_TEXT = 4000
const VOICE = /^[A-Za-z0-9][A-Za-z0-9_+-]{0,63}$/
/** The path becomes a `playback` argument: nothing FreeSWITCH would split or expand. */
const PLAYABLE_DIR = /^[^\s'"{}$\\,|;]+$/
/** A WAV header alone is 44 bytes; an engine that wrote no more said nothing. */
const MIN_WAV_BYTES = 45

export function createTtsRenderer(config: TtsConfig = {}): TtsRenderer {
  const engine = config.engine ?? 'espeak-ng'
  const defaultVoice = config.voice ?? 'ko'
  const dir = resolve(config.dir ?? process.env['IVR_TTS_DIR'] ?? './var/tts')
  const rate = config.rate ?? 8000
  const sox = config.sox === undefined ? 'sox' : config.sox
  const timeoutMs = config.timeoutMs ?? 10_000
  if (!PLAYABLE_DIR.test(dir)) throw new RangeError(`TTS directory ${JSON.stringify(dir)} cannot be played back`)
  if (!Number.isInteger(rate) || rate < 8000 || rate > 48000) throw new RangeError(`TTS rate ${rate} out of range`)
  checkVoice(defaultVoice)

  /** Whether sox runs here, asked once: the answer is part of every file name. */
  let resampling: Promise<boolean> | undefined
  const canResample = () =>
    (resampling ??=
      sox === null
        ? Promise.resolve(false)
        : run(sox, ['--version'], '', timeoutMs).then(
            () => true,
            () => false,
          ))
  const inflight = new Map<string, Promise<string>>()

  async function produce(file: string, text: string, voice: string, resample: boolean): Promise<string> {
    if (await isFile(file)) return file
    await mkdir(dir, { recursive: true })
    // Hidden temporary names in the same directory, so the final rename is atomic.
    const temp = join(dir, `.${randomUUID()}`)
    const spoken = `${temp}.engine.wav`
    const converted = `${temp}.wav`
    try {
      await run(engine, ['-v', voice, '-w', spoken, '--stdin'], text, timeoutMs).catch((e: unknown) => {
        throw failure(`TTS engine ${engine}`, 'espeak-ng', timeoutMs, e)
      })
      if (((await stat(spoken).catch(() => undefined))?.size ?? 0) < MIN_WAV_BYTES)
        throw new Error(`TTS engine ${engine} produced no audio for voice ${voice}`)
      if (resample && sox !== null) {
        const args = [spoken, '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', converted]
        await run(sox, args, '', timeoutMs).catch((e: unknown) => {
          throw failure(sox, 'sox', timeoutMs, e)
        })
        await rename(converted, file)
      } else await rename(spoken, file)
      return file
    } finally {
      await Promise.all([rm(spoken, { force: true }), rm(converted, { force: true })])
    }
  }

  return {
    async render(text, voice = defaultVoice) {
      const words = text.normalize('NFC').trim()
      if (words === '') throw new RangeError('TTS text is empty')
      if (words.length > MAX_TEXT) throw new RangeError(`TTS text is longer than ${MAX_TEXT} characters`)
      checkVoice(voice)
      const resample = await canResample()
      const format = resample ? `pcm16/${rate}/mono` : 'engine'
      const name = createHash('sha256')
        .update(JSON.stringify([engine, voice, format, words]))
        .digest('hex')
        .slice(0, 32)
      const file = join(dir, `${name}.wav`)
      let pending = inflight.get(file)
      if (pending === undefined) {
        pending = produce(file, words, voice, resample).finally(() => inflight.delete(file))
        inflight.set(file, pending)
      }
      return pending
    },
  }
}

function checkVoice(voice: string): void {
  if (!VOICE.test(voice)) throw new RangeError(`TTS voice ${JSON.stringify(voice)} is not a voice name`)
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false
}

/** Runs a program with arguments (no shell) and `input` on stdin; rejects with execFile's error. */
function run(program: string, args: string[], input: string, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = execFile(
      program,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
      (error, _stdout, stderr) => {
        if (error === null) done()
        else fail(Object.assign(error, { stderr }))
      },
    )
    // A program that exits without reading stdin makes the write fail with EPIPE; its exit reports why.
    child.stdin?.on('error', () => {})
    child.stdin?.end(input)
  })
}

function failure(what: string, debianPackage: string, timeoutMs: number, e: unknown): Error {
  const error = e as ExecFileException & { stderr?: string }
  if (error.code === 'ENOENT') return new Error(`${what} not found: apt-get install ${debianPackage}`)
  if (error.killed === true) return new Error(`${what} timed out after ${timeoutMs} ms`)
  const detail = (error.stderr ?? '').trim().split('\n')[0] ?? ''
  const how = typeof error.code === 'number' ? `exit code ${error.code}` : (error.signal ?? error.message)
  return new Error(`${what} failed (${how})${detail === '' ? '' : `: ${detail}`}`, { cause: e })
}

/**
 * The TTS check: the engine serve uses (espeak-ng with the Korean voice, then sox to 8 kHz; lib/tts/render.ts)
 * renders a short Korean sentence into a temporary directory, and the result is a WAV with sound in it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTtsRenderer, type TtsConfig } from '../tts/render.js'
import { fail, messageOf, pass, type CheckResult } from './check.js'
import { readWavSummary } from './wav.js'

const NAME = 'TTS renders Korean'
const PHRASE = '안녕하세요. 상담원을 연결해 드리겠습니다.'
const HINT = 'apt-get install espeak-ng sox (docs/tts.md)'

export async function checkTts(config: Omit<TtsConfig, 'dir'> = {}): Promise<CheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ivr-doctor-tts-'))
  try {
    const file = await createTtsRenderer({ ...config, dir }).render(PHRASE)
    const wav = await readWavSummary(file)
    const what = `${wav.sampleRate} Hz, ${wav.channels} channel(s), ${wav.bits}-bit, ${wav.seconds.toFixed(1)} s`
    if (wav.seconds < 0.5 || (wav.format === 1 && wav.bits === 16 && wav.peak < 0.01))
      return fail(
        NAME,
        `the WAV is silent or too short (${what})`,
        `check that espeak-ng has the ${config.voice ?? 'ko'} voice: espeak-ng --voices=ko`,
      )
    const resampled = wav.sampleRate === (config.rate ?? 8000) && wav.channels === 1 && wav.bits === 16
    return pass(NAME, `${what}${resampled ? '' : ' (sox missing: FreeSWITCH resamples when playing)'}`)
  } catch (err) {
    return fail(NAME, messageOf(err), HINT)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

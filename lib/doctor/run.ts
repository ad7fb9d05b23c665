/**
 * `ivr-router doctor`: every check, in order (database, TTS, directories, then FreeSWITCH when asked), each a
 * pass/fail line with what was seen and, on failure, a hint. Exit code 0 when all pass, 1 otherwise.
 */
import type { StoreConfig } from '../store/config.js'
import type { TtsConfig } from '../tts/render.js'
import type { CheckResult } from './check.js'
import { checkDatabase } from './database.js'
import { checkWritable } from './directories.js'
import { checkFreeSwitch, type FreeSwitchCheckOptions } from './freeswitch.js'
import { checkTts } from './tts.js'

export type DoctorOptions = {
  store: StoreConfig
  tts?: Omit<TtsConfig, 'dir'>
  ttsDir: string
  recordingsDir: string
  /** Without it, FreeSWITCH is not checked. `numbers` there are added to the bound numbers. */
  freeswitch?: FreeSwitchCheckOptions
  /** With `--voicemail mod_voicemail`: the boxes' domain (the boxes come from the database). */
  voicemailDomain?: string
}

export async function runDoctor(o: DoctorOptions): Promise<CheckResult[]> {
  const [database, tts, ttsDir, recordings] = await Promise.all([
    checkDatabase(o.store),
    checkTts(o.tts),
    checkWritable('TTS directory writable', o.ttsDir),
    checkWritable('recordings directory writable', o.recordingsDir),
  ])
  const results = [...database.results, tts, ttsDir, recordings]
  if (o.freeswitch) {
    // A few bound numbers show whether the dialplan pattern fits them; hundreds of lines would not say more.
    const numbers = [...new Set([...o.freeswitch.numbers, ...database.numbers.slice(0, 10)])]
    const setup = {
      ...o.freeswitch.setup,
      ...(database.agents && { agents: database.agents }),
      ...(o.voicemailDomain && { voicemail: { domain: o.voicemailDomain, boxes: database.boxes ?? [] } }),
    }
    results.push(...(await checkFreeSwitch({ ...o.freeswitch, numbers, setup })))
  }
  return results
}

/** The report as text: one line per check, the hint under a failure, a summary last. */
export function formatReport(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length))
  let out = ''
  for (const r of results) {
    out += `${r.warn ? 'warn' : r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.detail}\n`
    if ((!r.ok || r.warn) && r.hint) out += `      ${' '.repeat(width)}  hint: ${r.hint}\n`
  }
  const failed = results.filter((r) => !r.ok).length
  return (
    out + (failed === 0 ? `all ${results.length} checks passed\n` : `${failed} of ${results.length} checks failed\n`)
  )
}

/** The doctor's checks on this host: Korean TTS with the real espeak-ng (and without sox, or without an engine), directories. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { checkWritable } from '../../lib/doctor/directories.js'
import { checkTts } from '../../lib/doctor/tts.js'

const dir = mkdtempSync(join(tmpdir(), 'ivr-doctor-local-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test('espeak-ng and sox: Korean becomes 8 kHz mono 16-bit speech', async (t) => {
  t.match(await checkTts(), {
    name: 'TTS renders Korean',
    ok: true,
    detail: /^8000 Hz, 1 channel\(s\), 16-bit, \d+\.\d s$/,
  })
})

t.test("without sox the engine's own WAV passes, and says so", async (t) => {
  t.match(await checkTts({ sox: null }), {
    ok: true,
    detail: /^22050 Hz, .*\(sox missing: FreeSWITCH resamples when playing\)$/,
  })
})

t.test('no engine: the install line', async (t) => {
  t.match(await checkTts({ engine: join(dir, 'no-such-espeak') }), {
    ok: false,
    detail: /not found: apt-get install espeak-ng$/,
    hint: 'apt-get install espeak-ng sox (docs/tts.md)',
  })
})

t.test('an engine that writes silence (no Korean voice) fails', async (t) => {
  const engine = join(dir, 'silent.sh')
  // espeak-ng's arguments: -v VOICE -w FILE --stdin; half a second of 16-bit zeros at 22050 Hz.
  writeFileSync(engine, '#!/bin/sh\ncat >/dev/null\nsox -n -r 22050 -c 1 -b 16 "$4" trim 0 1\n')
  chmodSync(engine, 0o755)
  t.match(await checkTts({ engine }), {
    ok: false,
    detail: /^the WAV is silent or too short/,
    hint: /espeak-ng --voices=ko/,
  })
})

t.test('directories: made when missing; a path through a file fails with the reason', async (t) => {
  t.match(await checkWritable('recordings directory writable', join(dir, 'a', 'b')), {
    ok: true,
    detail: join(dir, 'a', 'b'),
  })
  writeFileSync(join(dir, 'file'), '')
  t.match(await checkWritable('recordings directory writable', join(dir, 'file', 'rec')), {
    ok: false,
    detail: /ENOTDIR|EEXIST/,
    hint: /write access/,
  })
})

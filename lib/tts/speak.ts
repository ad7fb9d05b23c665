/**
 * The argument of FreeSWITCH's `speak` application (`engine|voice|text`), the alternative to
 * rendering files: FreeSWITCH's own TTS module (e.g. mod_tts_commandline running espeak-ng) speaks.
 *
 * FreeSWITCH expands `${…}` in application arguments and splits a command's headers at line breaks,
 * and `speak` splits its argument at `|`, so the text loses control characters (line breaks become
 * spaces), every `${` and every `|`. See docs/tts.md.
 */
const MAX_TEXT = 4000
/** Engine names may carry a profile (`unimrcp:server1`). */
const ENGINE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/
const VOICE = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/

export function speakArgument(engine: string, voice: string, text: string): string {
  if (!ENGINE.test(engine)) throw new RangeError(`speak engine ${JSON.stringify(engine)} is not an engine name`)
  if (!VOICE.test(voice)) throw new RangeError(`speak voice ${JSON.stringify(voice)} is not a voice name`)
  const words = text
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029|]/g, ' ')
    // Removing a whole run of `$` before `{` cannot join two characters into a new `${`.
    .replace(/\$+\{/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  if (words === '') throw new RangeError('speak text is empty')
  if (words.length > MAX_TEXT) throw new RangeError(`speak text is longer than ${MAX_TEXT} characters`)
  return `${engine}|${voice}|${words}`
}

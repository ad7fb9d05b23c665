/**
 * How a workflow prompt reaches FreeSWITCH: a `play` path as is (validated at import), a `say`
 * text either rendered to a WAV file once (default) or spoken by FreeSWITCH's own TTS (`speak`).
 */
import type { TtsRenderer } from '../tts/render.js'
import { speakArgument } from '../tts/speak.js'
import type { Prompt } from '../workflow/schema.js'

export type TtsMode = { kind: 'render'; renderer: TtsRenderer } | { kind: 'speak'; engine: string; voice: string }

/** A prompt as an application to run (`playback FILE` or `speak ARG`). */
export type Playable = { app: 'playback' | 'speak'; arg: string }

export class Media {
  constructor(private readonly tts: TtsMode) {}

  async playable(prompt: Prompt): Promise<Playable> {
    if ('play' in prompt) return { app: 'playback', arg: prompt.play }
    if (this.tts.kind === 'render')
      return { app: 'playback', arg: await this.tts.renderer.render(prompt.say, prompt.voice) }
    return { app: 'speak', arg: speakArgument(this.tts.engine, prompt.voice ?? this.tts.voice, prompt.say) }
  }

  /**
   * A prompt as one play_and_get_digits file argument. FreeSWITCH splits that argument list on
   * spaces unless single-quoted, so spoken text goes as `'tts://engine|voice|text'` without quotes.
   */
  async file(prompt: Prompt): Promise<string> {
    const p = await this.playable(prompt)
    return p.app === 'playback' ? p.arg : `'tts://${p.arg.replace(/'/g, ' ')}'`
  }
}

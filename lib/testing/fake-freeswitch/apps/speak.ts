/** `speak engine|voice|text`: plays for a while and sets no response (trace speak_flite). */
import type { App } from './context.js'
import { speakMs } from '../media.js'

export const speak: App = {
  media: true,
  async run(ctx, arg) {
    await ctx.play(speakMs(arg, ctx.media))
  },
}

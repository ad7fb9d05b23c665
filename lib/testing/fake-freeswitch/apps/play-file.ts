/** `switch_ivr_play_file` as playback and play_and_get_digits use it, with its `playback_*` variables. */
import type { AppContext, WaitEnd } from './context.js'
import { playbackMs } from '../media.js'

export type PlayEnd = WaitEnd | 'missing' | 'key'

/**
 * Plays `file`; with `keyAtMs` a key pressed that far into it stops it (`'key'`). A `press` fires its DTMF that far
 * into it and stops it when it `ends` it. A missing file ends at once without touching the playback variables.
 */
export async function playFile(
  ctx: AppContext,
  file: string,
  keyAtMs?: number,
  press?: { afterMs: number; digit: string; ends: boolean },
): Promise<PlayEnd> {
  if (!file || ctx.isMissing(file)) return 'missing'
  const length = playbackMs(file, ctx.media)
  const started = ctx.now()
  let cut = keyAtMs !== undefined && keyAtMs < length
  let end: WaitEnd
  if (press && press.afterMs < length) {
    end = await ctx.play(press.afterMs)
    if (end === 'done') {
      ctx.dtmf(press.digit)
      if (press.ends) cut = true
      else end = await ctx.play(length - press.afterMs)
    }
  } else end = await ctx.play(cut ? keyAtMs! : length)
  const ms = Math.round(ctx.now() - started)
  const vars = ctx.channel.vars
  vars.set('playback_last_offset_pos', String(ms * 8))
  vars.set('playback_seconds', String(Math.floor(ms / 1000)))
  vars.set('playback_ms', String(ms))
  vars.set('playback_samples', String(ms * 8))
  return cut && end === 'done' ? 'key' : end
}

/**
 * `playback FILE`: Application-Response FILE PLAYED (also when broken off or ended by a terminator key), FILE NOT
 * FOUND, or PLAYBACK ERROR on hangup (mod_dptools.c). A key the caller presses meanwhile fires DTMF; when it is
 * one of `playback_terminators` (default `*`, `none` for none) it ends the playback and is left in
 * `playback_terminator_used`, which the next playback clears (trace moh_star).
 */
import type { App } from './context.js'
import { playFile } from './play-file.js'

/** The keys that end a playback: the channel's `playback_terminators`, `*` when unset, none for `none`. */
function terminators(value: string | undefined): string {
  if (value === undefined) return '*'
  if (value.toLowerCase() === 'none') return ''
  if (value.toLowerCase() === 'any') return '0123456789*#'
  return value
}

export const playback: App = {
  media: true,
  async run(ctx, file) {
    const vars = ctx.channel.vars
    vars.delete('playback_terminator_used')
    const press = ctx.pressDuringApp()
    const ends = press !== undefined && terminators(vars.text('playback_terminators')).includes(press.digit)
    const end = await playFile(ctx, file, undefined, press && { ...press, ends })
    if (end === 'key' && press) vars.set('playback_terminator_used', press.digit)
    ctx.setResponse(end === 'missing' ? 'FILE NOT FOUND' : end === 'hangup' ? 'PLAYBACK ERROR' : 'FILE PLAYED')
  },
}

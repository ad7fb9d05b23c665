/**
 * `record PATH [limit_seconds [threshold [silence_seconds]]]` (traces record_app, record_silence): the caller
 * speaks for the script's time, then silence ends the recording (`silence_hits_exhausted=true`) or the caller
 * hangs up; the result is only in variables, Application-Response stays `_none_`.
 */
import type { App } from './context.js'
import { atoi, separateString } from '../separate.js'

export const record: App = {
  media: true,
  async run(ctx, data) {
    const [path, limit, , hits] = separateString(data, ' ')
    if (!path) return ctx.problem('record without a path')
    const script = ctx.script.script.record ?? {}
    const silenceMs = (atoi(hits) || 3) * 1000
    const wanted = (script.speakMs ?? 0) + (script.end === 'hangup' ? 0 : silenceMs)
    const limitMs = atoi(limit) > 0 ? atoi(limit) * 1000 : Infinity
    const started = ctx.now()
    const end = await ctx.pause(Math.min(wanted, limitMs))
    const vars = ctx.channel.vars
    const byHangup = end === 'hangup' || script.end === 'hangup' || wanted > limitMs
    vars.set('silence_hits_exhausted', byHangup ? 'false' : 'true')
    if (end !== 'hangup' && script.end === 'hangup') ctx.callerHangup()
    const ms = Math.round(ctx.now() - started)
    vars.set('record_record_file_size', String(ms * 16 + 44))
    vars.set('record_file_size', String(ms * 16 + 44))
    vars.set('record_ms', String(ms))
    vars.set('record_samples', String(ms * 8))
    vars.set('record_seconds', String(Math.floor(ms / 1000)))
  },
}

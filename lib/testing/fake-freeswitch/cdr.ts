/**
 * The CDR-like variables CHANNEL_HANGUP_COMPLETE carries (switch_core_state_machine.c, switch_channel.c), for any
 * simulated channel: the socket's (session.ts) and an originated one (originated-leg.ts).
 */
import { q850 } from './causes.js'
import type { Channel } from './channel.js'

/** `lastApp`: the last application the channel ran, for `last_app`/`last_arg`; `digits`: every key pressed. */
export function setCdrVariables(channel: Channel, lastApp?: { name: string; data?: string }, digits = ''): void {
  const vars = channel.vars
  const t = channel.profile.times
  const cause = channel.hangupCause ?? 'NONE'
  const end = t.hangup
  const stamp = (us: number) => {
    const d = new Date(us / 1000).toISOString()
    return `${d.slice(0, 10)} ${d.slice(11, 19)}`
  }
  vars.set('hangup_cause', cause)
  vars.set('hangup_cause_q850', String(q850(cause)))
  vars.set('digits_dialed', digits || 'none')
  vars.set('start_stamp', stamp(t.created))
  vars.set('profile_start_stamp', stamp(t.profileCreated))
  if (t.answered) vars.set('answer_stamp', stamp(t.answered))
  if (t.bridged) vars.set('bridge_stamp', stamp(t.bridged))
  if (t.progress) vars.set('progress_stamp', stamp(t.progress))
  if (t.progressMedia) vars.set('progress_media_stamp', stamp(t.progressMedia))
  vars.set('end_stamp', stamp(end))
  const epoch = (name: string, us: number) => {
    vars.set(`${name}_epoch`, String(Math.floor(us / 1e6)))
    vars.set(`${name}_uepoch`, String(us))
  }
  epoch('start', t.created)
  epoch('profile_start', t.profileCreated)
  epoch('answer', t.answered)
  epoch('bridge', t.bridged)
  epoch('last_hold', t.lastHold)
  vars.set('hold_accum_seconds', '0')
  vars.set('hold_accum_usec', '0')
  vars.set('hold_accum_ms', '0')
  epoch('resurrect', t.resurrect)
  epoch('progress', t.progress)
  epoch('progress_media', t.progressMedia)
  epoch('end', end)
  if (lastApp) {
    vars.set('last_app', lastApp.name)
    vars.set('last_arg', lastApp.data)
  }
  vars.set('caller_id', `"${channel.profile.callerIdName}" <${channel.profile.callerIdNumber}>`)
  const span = (from: number, to: number) => (from && to >= from ? to - from : 0)
  // Each span in seconds, then all in milliseconds, then all in microseconds, under FreeSWITCH's names.
  const spans: [seconds: string, ms: string, us: string, span: number][] = [
    ['duration', 'mduration', 'uduration', span(t.created, end)],
    ['billsec', 'billmsec', 'billusec', span(t.answered, end)],
    ['progresssec', 'progressmsec', 'progressusec', span(t.created, t.progress)],
    ['answersec', 'answermsec', 'answerusec', span(t.created, t.answered)],
    ['waitsec', 'waitmsec', 'waitusec', span(t.created, t.bridged)],
    ['progress_mediasec', 'progress_mediamsec', 'progress_mediausec', span(t.created, t.progressMedia)],
    ['flow_billsec', 'flow_billmsec', 'flow_billusec', span(t.created, end)],
  ]
  for (const [name, , , us] of spans) vars.set(name, String(Math.floor(us / 1e6)))
  for (const [, name, , us] of spans) vars.set(name, String(Math.floor(us / 1000)))
  for (const [, , name, us] of spans) vars.set(name, String(us))
}

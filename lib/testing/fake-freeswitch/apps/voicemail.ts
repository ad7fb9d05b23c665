/**
 * `voicemail [auth] PROFILE DOMAIN ID`, leaving a message (mod_voicemail.c; traces voicemail-*, vm_event,
 * voicemail_full-plain, voicemail_hangup-*): greeting and instructions unless `skip_greeting`/`skip_instructions`,
 * the recording (the script says how long the caller speaks and whether `#` or a hangup ends it), a message under
 * min-record-len (3 s) asked again while the script has attempts left, the record-check (`2`) and urgent (`#`)
 * menus unless skipped, then delivery: the CUSTOM vm::maintenance event and the `voicemail_*` variables.
 * A caller who hangs up while recording still leaves the message; one who has nothing more to say hangs up. A box
 * (directory user) the switch does not have returns at once with the call up (trace voicemail_nobox). The `skip_*`
 * variables are removed once read, `skip_record_check` excepted. `voicemail check` is not simulated.
 */
import type { App, AppContext } from './context.js'

const MIN_RECORD_SECONDS = 3
/** The profile's max-record-len (default 300 s): the recording stops there whatever the caller does. */
const MAX_RECORD_MS = 300_000
const PROMPT_MS = 3000

const isTrue = (ctx: AppContext, name: string) =>
  /^(true|yes|on|enabled|active|allow|1)$/i.test(ctx.channel.vars.text(name) ?? '')

const duration = (seconds: number) =>
  [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':')

/** One recording: the variables `switch_ivr_record_file` leaves; returns the milliseconds recorded. */
async function record(ctx: AppContext): Promise<number | undefined> {
  const speakMs = ctx.script.nextSpeech()
  if (speakMs === undefined) return undefined
  const started = ctx.now()
  const end = await ctx.pause(Math.min(speakMs, MAX_RECORD_MS))
  const ms = Math.round(ctx.now() - started)
  const vars = ctx.channel.vars
  vars.set('silence_hits_exhausted', 'false')
  if (end !== 'hangup') {
    if (ctx.script.script.voicemail?.end === 'hangup') ctx.callerHangup()
    else ctx.dtmf('#')
  }
  vars.set('record_record_file_size', String(ms * 16 + 256))
  vars.set('record_file_size', String(ms * 16 + 256))
  vars.set('record_ms', String(ms))
  vars.set('record_samples', String(ms * 8))
  vars.set('record_seconds', String(Math.floor(ms / 1000)))
  return ms
}

/**
 * The caller has nothing more to say. FreeSWITCH records again for as long as the caller stays (trace
 * voicemail_short: the app does not return); the simulated caller hangs up instead, and the app returns after the
 * hang-up with the last, empty try's variables.
 */
function nothingMore(ctx: AppContext): void {
  if (!ctx.channel.up) return
  const vars = ctx.channel.vars
  vars.set('silence_hits_exhausted', 'false')
  vars.set('record_ms', '0')
  vars.set('record_samples', '0')
  vars.set('record_file_size', '44')
  ctx.callerHangup()
}

export const voicemail: App = {
  media: true,
  async run(ctx, data) {
    const args = data.split(/\s+/).filter(Boolean)
    if (args[0] === 'check') return ctx.problem('voicemail check is not simulated')
    if (args[0] === 'auth') args.shift()
    const [profile, domain, id] = args
    if (!profile || !domain || !id) return ctx.problem(`voicemail without profile, domain and id: ${data}`)
    // mod_voicemail reads these once and removes them, even for a box it cannot find; skip_record_check stays.
    const skipGreeting = isTrue(ctx, 'skip_greeting')
    const skipInstructions = isTrue(ctx, 'skip_instructions')
    const skipUrgent = isTrue(ctx, 'skip_record_urgent_check')
    const skipGoodbye = isTrue(ctx, 'voicemail_skip_goodbye')
    for (const name of ['skip_greeting', 'skip_instructions', 'skip_record_urgent_check', 'voicemail_skip_goodbye'])
      ctx.channel.vars.delete(name)
    // "Can't find user [id@domain]" goes to FreeSWITCH's log only: the app returns at once, the call stays up.
    if (!ctx.hasVoicemailBox(id)) return
    ctx.answer()
    if (!skipGreeting && (await ctx.play(PROMPT_MS)) === 'hangup') return
    if (!skipInstructions && (await ctx.play(PROMPT_MS)) === 'hangup') return
    let ms: number | undefined
    for (;;) {
      ms = await record(ctx)
      if (ms === undefined) return nothingMore(ctx)
      if (Math.floor(ms / 1000) >= MIN_RECORD_SECONDS) break
      if (!ctx.channel.up) return
      await ctx.play(PROMPT_MS)
    }
    if (ctx.channel.up && !isTrue(ctx, 'skip_record_check')) ctx.dtmf('2')
    if (ctx.channel.up && !skipUrgent) ctx.dtmf('#')
    const seconds = Math.floor(ms / 1000)
    const file = `/usr/local/freeswitch/var/lib/freeswitch/storage/voicemail/${profile}/${domain}/${id}/msg_${ctx.newUuid()}.wav`
    const caller = ctx.channel.profile
    ctx.fire('CUSTOM', {
      subclass: 'vm::maintenance',
      lead: [
        ['VM-Action', 'leave-message'],
        ['VM-User', id],
        ['VM-Domain', domain],
        ['VM-Caller-ID-Name', caller.callerIdName],
        ['VM-Caller-ID-Number', caller.callerIdNumber],
        ['VM-File-Path', file],
        ['VM-Flags', 'B_NORMAL'],
        ['VM-Folder', 'inbox'],
        ['VM-UUID', ctx.channel.uuid],
        ['VM-Message-Len', String(seconds)],
        ['VM-Timestamp', String(Math.floor(ctx.epochMs() / 1000))],
      ],
    })
    const vars = ctx.channel.vars
    vars.set('voicemail_account', id)
    vars.set('voicemail_domain', domain)
    vars.set('voicemail_file_path', file)
    vars.set('voicemail_read_flags', 'B_NORMAL')
    vars.set('voicemail_message_len', duration(seconds))
    if (ctx.channel.up && !skipGoodbye) await ctx.play(PROMPT_MS / 3)
  },
}

/**
 * `serve`'s voicemail options, declared here and nowhere else: how messages are taken (`record` by the router, or
 * FreeSWITCH's mod_voicemail box), the box's profile and domain, and the shortest message kept (docs/inbox.md).
 */
import type { Command } from 'commander'
import { VOICEMAIL_TOKEN, type VoicemailMode } from '../esl/call.js'
import { UsageError } from './errors.js'

export type VoicemailFlags = {
  voicemail: string
  voicemailProfile: string
  voicemailDomain?: string
  voicemailMinSeconds: string
}

export function addVoicemailOptions(command: Command): Command {
  return command
    .option('--voicemail <how>', 'record (the router records) | mod_voicemail (a FreeSWITCH box)', 'record')
    .option('--voicemail-profile <name>', 'with mod_voicemail: the voicemail.conf profile', 'default')
    .option('--voicemail-domain <domain>', "with mod_voicemail: the boxes' domain (required)")
    .option('--voicemail-min-seconds <s>', 'a shorter message is a hang-up, not a voicemail', '2')
}

export function voicemailSettings(f: VoicemailFlags): { mode: VoicemailMode; minSeconds: number } {
  const minSeconds = Number(f.voicemailMinSeconds)
  if (!Number.isFinite(minSeconds) || minSeconds < 0 || minSeconds > 600)
    throw new UsageError(`--voicemail-min-seconds "${f.voicemailMinSeconds}": seconds from 0 to 600`)
  if (f.voicemail === 'record') return { mode: { kind: 'record' }, minSeconds }
  if (f.voicemail !== 'mod_voicemail') throw new UsageError(`--voicemail "${f.voicemail}": record or mod_voicemail`)
  if (!VOICEMAIL_TOKEN.test(f.voicemailProfile))
    throw new UsageError(`--voicemail-profile "${f.voicemailProfile}": letters, digits, ".", "_", "-", "@"`)
  if (f.voicemailDomain === undefined) throw new UsageError('--voicemail mod_voicemail needs --voicemail-domain')
  if (!VOICEMAIL_TOKEN.test(f.voicemailDomain))
    throw new UsageError(`--voicemail-domain "${f.voicemailDomain}": letters, digits, ".", "_", "-", "@"`)
  return { mode: { kind: 'mod_voicemail', profile: f.voicemailProfile, domain: f.voicemailDomain }, minSeconds }
}

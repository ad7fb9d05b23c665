/**
 * `serve`'s voicemail settings (declared in lib/config/options.ts): how messages are taken (`record` by the router,
 * or FreeSWITCH's mod_voicemail box), the box's profile and domain, and the shortest message kept (docs/inbox.md).
 */
import type { Config } from '../config/options.js'
import { VOICEMAIL_TOKEN, type VoicemailMode } from '../esl/call.js'
import { UsageError } from './errors.js'

type VoicemailConfig = Pick<Config, 'voicemail' | 'voicemailProfile' | 'voicemailDomain' | 'voicemailMinSeconds'>

export function voicemailSettings(c: VoicemailConfig): { mode: VoicemailMode; minSeconds: number } {
  const minSeconds = c.voicemailMinSeconds
  if (c.voicemail === 'record') return { mode: { kind: 'record' }, minSeconds }
  if (!VOICEMAIL_TOKEN.test(c.voicemailProfile))
    throw new UsageError(`--voicemail-profile "${c.voicemailProfile}": letters, digits, ".", "_", "-", "@"`)
  if (c.voicemailDomain === undefined) throw new UsageError('--voicemail mod_voicemail needs --voicemail-domain')
  if (!VOICEMAIL_TOKEN.test(c.voicemailDomain))
    throw new UsageError(`--voicemail-domain "${c.voicemailDomain}": letters, digits, ".", "_", "-", "@"`)
  return { mode: { kind: 'mod_voicemail', profile: c.voicemailProfile, domain: c.voicemailDomain }, minSeconds }
}

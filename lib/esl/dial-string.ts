/**
 * The `bridge` argument for a ring request. Simultaneous legs are joined with `,`, sequential with
 * `|`; each leg carries its own `leg_timeout` (fixture bridge_multi: `[leg_timeout=3]` ends that leg
 * with ALLOTTED_TIMEOUT). Global `{…}` variables ignore early media (so ringback comes from us, not
 * from a leg's 183) and show the customer's number on the agent's phone.
 * Dial strings were validated at import (one endpoint, no separators or variables); the caller's
 * number is used only when it is a plain E.164 number. Each leg names its agent (`ivr_agent`) so the
 * router can ask the answering leg who it is.
 */
import type { RingRequest } from '../engine/call.js'

const E164 = /^\+[1-9][0-9]{5,14}$/
const ENDPOINT = /^[A-Za-z0-9_.@:/+=-]+$/
const AGENT = /^[a-z0-9][a-z0-9-]*$/

export function dialString(req: RingRequest, callerE164: string | undefined): string {
  const globals = ['ignore_early_media=true', `originate_timeout=${Math.max(1, Math.round(req.timeoutSeconds))}`]
  if (callerE164 !== undefined && E164.test(callerE164)) {
    globals.push(`origination_caller_id_number=${callerE164}`)
  }
  const legs = req.targets.map((t) => {
    if (!ENDPOINT.test(t.dial) || !AGENT.test(t.agent)) throw new Error(`refusing dial string of agent ${t.agent}`)
    return `[leg_timeout=${Math.max(1, Math.round(req.legSeconds))},ivr_agent=${t.agent}]${t.dial}`
  })
  return `{${globals.join(',')}}${legs.join(req.mode === 'sequential' ? '|' : ',')}`
}

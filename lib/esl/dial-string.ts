/**
 * The `bridge` argument for a ring request: the legs rung at once, joined with `,` (one agent, or every free
 * agent of a ring-all team). Never a `|` chain: FreeSWITCH caps a whole chain with `originate_timeout`, so its
 * later legs may never ring (fixture bridge_chain_timeout); the router hunts one bridge per agent instead.
 * Global `{…}` variables: `originate_timeout` is the ring time, `ignore_early_media` (so ringback comes from us,
 * not from a leg's 183), and the customer's number on the agent's phone. Dial strings were validated at import
 * (one endpoint, no separators or variables); the caller's number is used only when it is a plain E.164 number.
 * Each leg names its agent (`ivr_agent`). Legs rung at once also get their channel's UUID from us
 * (`origination_uuid`, read per leg by switch_core_session_outgoing_channel), so the bridge's `originate_causes`
 * (`<leg uuid>;<cause>` per leg created) and `Other-Leg-Unique-ID` say which agent each leg was.
 */
import type { RingRequest } from '../engine/call.js'

const E164 = /^\+[1-9][0-9]{5,14}$/
const ENDPOINT = /^[A-Za-z0-9_.@:/+=-]+$/
const AGENT = /^[a-z0-9][a-z0-9-]*$/

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** `legUuids[i]` is the channel UUID of the leg of `req.targets[i]` (legs rung at once). */
export function dialString(req: RingRequest, callerE164: string | undefined, legUuids: string[] = []): string {
  const globals = ['ignore_early_media=true', `originate_timeout=${Math.max(1, Math.round(req.ringSeconds))}`]
  if (callerE164 !== undefined && E164.test(callerE164)) {
    globals.push(`origination_caller_id_number=${callerE164}`)
  }
  const legs = req.targets.map((t, i) => {
    if (!ENDPOINT.test(t.dial) || !AGENT.test(t.agent)) throw new Error(`refusing dial string of agent ${t.agent}`)
    return `[${legVars(t.agent, legUuids[i])}]${t.dial}`
  })
  return `{${globals.join(',')}}${legs.join(',')}`
}

function legVars(agent: string, uuid: string | undefined): string {
  if (uuid === undefined) return `ivr_agent=${agent}`
  if (!UUID.test(uuid)) throw new Error(`refusing leg UUID ${JSON.stringify(uuid)}`)
  return `origination_uuid=${uuid},ivr_agent=${agent}`
}

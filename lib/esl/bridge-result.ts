/**
 * Reads a `bridge`'s outcome from its CHANNEL_EXECUTE_COMPLETE, as FreeSWITCH really reports it
 * (fixtures bridge-*, bridge_multi, bridge_hangup): `originate_disposition` and `DIALSTATUS` are
 * reset on every attempt and decide; `originate_failed_cause` and `last_bridge_hangup_cause` keep
 * stale values from earlier bridges and are only a fallback when both are missing.
 */
import type { RingOutcome, UnreachableLeg } from '../engine/call.js'

export type Vars = (name: string) => string | undefined

export type BridgeOutcome = RingOutcome | 'caller-left'

const NO_ANSWER = new Set([
  'NO_ANSWER',
  'NOANSWER',
  'ALLOTTED_TIMEOUT',
  'NO_USER_RESPONSE',
  'PROGRESS_TIMEOUT',
  'RECOVERY_ON_TIMER_EXPIRE',
])
const BUSY = new Set(['USER_BUSY', 'BUSY', 'CALL_REJECTED', 'DONTCALL'])
const UNAVAILABLE = new Set([
  'USER_NOT_REGISTERED',
  'NO_ROUTE_DESTINATION',
  'UNALLOCATED_NUMBER',
  'SUBSCRIBER_ABSENT',
  'NO_ROUTE_TRANSIT_NET',
  'NUMBER_CHANGED',
  'INVALID_NUMBER_FORMAT',
  'CHANUNAVAIL',
])
const CALLER_LEFT = new Set(['ORIGINATOR_CANCEL', 'CANCEL'])
const ANSWERED = new Set(['SUCCESS', 'ANSWER', 'call accepted'])

export type BridgeReading = { outcome: BridgeOutcome; cause: string }

export function readBridge(vars: Vars): BridgeReading {
  const disposition = vars('originate_disposition')
  const dialStatus = vars('DIALSTATUS')
  const cause = disposition ?? dialStatus ?? vars('originate_failed_cause') ?? 'UNKNOWN'
  for (const value of [disposition, dialStatus]) {
    if (value === undefined) continue
    if (ANSWERED.has(value)) return { outcome: 'answered', cause: value }
    if (CALLER_LEFT.has(value)) return { outcome: 'caller-left', cause: value }
    if (NO_ANSWER.has(value)) return { outcome: 'no-answer', cause: value }
    if (BUSY.has(value)) return { outcome: 'busy', cause: value }
    if (UNAVAILABLE.has(value)) return { outcome: 'unavailable', cause: value }
  }
  return { outcome: 'failed', cause }
}

/**
 * The legs of a ring-all (their channel UUIDs were ours: dial-string.ts) that could not reach their agent.
 * `originate_causes` holds `<uuid>;<cause>` for every leg FreeSWITCH created (switch_ivr_originate.c); it
 * accumulates over the call's bridges, so only our UUIDs count (several entries read as `ARRAY::a|:b`). A leg with
 * no entry, beside legs of ours that have one, was never created: its endpoint failed at once (a `user/` not
 * registered becomes `error/user_not_registered`), and FreeSWITCH names that cause only for the bridge as a whole.
 */
export function unreachableLegs(
  causes: string | undefined,
  legs: ReadonlyMap<string, string>,
  reading: BridgeReading,
): UnreachableLeg[] {
  const entries = causes === undefined ? [] : causes.startsWith('ARRAY::') ? causes.slice(7).split('|:') : [causes]
  const byLeg = new Map<string, string>()
  for (const entry of entries) {
    const [uuid, cause] = entry.split(';')
    if (uuid !== undefined && cause !== undefined && legs.has(uuid)) byLeg.set(uuid, cause)
  }
  // None of our UUIDs at all: FreeSWITCH did not take them (or created no leg), so an absent entry proves nothing;
  // the ring's own outcome speaks for every agent.
  if (byLeg.size === 0) return []
  const found: UnreachableLeg[] = []
  for (const [uuid, agent] of legs) {
    const cause = byLeg.get(uuid) ?? (reading.outcome === 'unavailable' ? reading.cause : LEG_NOT_CREATED)
    if (cause === LEG_NOT_CREATED || UNAVAILABLE.has(cause)) found.push({ agent, cause })
  }
  return found
}

/** The cause given to a leg FreeSWITCH could not create while other legs of the same ring were created. */
export const LEG_NOT_CREATED = 'LEG_NOT_CREATED'

/**
 * Hangup causes as FreeSWITCH names and numbers them (switch_types.h, switch_channel.c CAUSE_CHART), and the
 * DIALSTATUS a failed originate leaves on the caller (switch_ivr_originate.c).
 */
const CAUSES: Record<string, number> = {
  NONE: 0,
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_TRANSIT_NET: 2,
  NO_ROUTE_DESTINATION: 3,
  CHANNEL_UNACCEPTABLE: 6,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  FACILITY_REJECTED: 29,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  REQUESTED_CHAN_UNAVAIL: 44,
  SERVICE_UNAVAILABLE: 63,
  SERVICE_NOT_IMPLEMENTED: 79,
  INCOMPATIBLE_DESTINATION: 88,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127,
  SUCCESS: 142,
  ORIGINATOR_CANCEL: 487,
  LOSE_RACE: 702,
  MANAGER_REQUEST: 703,
  ALLOTTED_TIMEOUT: 802,
  MEDIA_TIMEOUT: 804,
  USER_NOT_REGISTERED: 806,
  PROGRESS_TIMEOUT: 807,
  GATEWAY_DOWN: 809,
  DECLINE: 816,
}

/** `switch_channel_str2cause`: a known name (any case) or a number; anything else is NORMAL_CLEARING. */
export function causeName(text: string | undefined): string {
  if (!text) return 'NORMAL_CLEARING'
  if (/^[0-9]/.test(text)) {
    const n = parseInt(text, 10)
    return Object.keys(CAUSES).find((name) => CAUSES[name] === n) ?? 'NORMAL_CLEARING'
  }
  const upper = text.toUpperCase()
  return upper in CAUSES ? upper : 'NORMAL_CLEARING'
}

export const isCause = (text: string): boolean => text in CAUSES

/** The number a cause is known by; `hangup_cause_q850` uses it when it is a Q.850 value (≤ 127). */
export const causeNumber = (name: string): number => CAUSES[name] ?? 16

export const q850 = (name: string): number => {
  const n = causeNumber(name)
  return n > 0 && n <= 127 ? n : 127
}

/** DIALSTATUS for a failed originate (switch_ivr_originate.c). */
export function dialStatus(cause: string): string {
  switch (cause) {
    case 'ORIGINATOR_CANCEL':
      return 'CANCEL'
    case 'USER_BUSY':
      return 'BUSY'
    case 'NO_ANSWER':
      return 'NOANSWER'
    case 'DESTINATION_OUT_OF_ORDER':
    case 'INVALID_PROFILE':
      return 'INVALIDARGS'
    case 'CALL_REJECTED':
      return 'DONTCALL'
    default:
      return cause
  }
}

/** Bridge results as recorded from FreeSWITCH 1.10.12 (fixtures bridge-json, bridge_multi, bridge_hangup). */
import t from 'tap'
import { readBridge } from '../../lib/esl/bridge-result.js'

const vars = (v: Record<string, string>) => (name: string) => v[name]

const recorded: [string, Record<string, string>, string][] = [
  [
    'error/user_busy',
    { originate_disposition: 'USER_BUSY', DIALSTATUS: 'BUSY', originate_failed_cause: 'USER_BUSY' },
    'busy',
  ],
  [
    'error/no_answer',
    { originate_disposition: 'NO_ANSWER', DIALSTATUS: 'NOANSWER', originate_failed_cause: 'NO_ANSWER' },
    'no-answer',
  ],
  ['error/call_rejected', { originate_disposition: 'CALL_REJECTED', DIALSTATUS: 'DONTCALL' }, 'busy'],
  ['no route', { originate_disposition: 'NO_ROUTE_DESTINATION', DIALSTATUS: 'NO_ROUTE_DESTINATION' }, 'unavailable'],
  [
    'originate_timeout',
    { originate_disposition: 'NO_ANSWER', DIALSTATUS: 'NOANSWER', last_bridge_hangup_cause: 'NO_ANSWER' },
    'no-answer',
  ],
  ['leg_timeout', { originate_disposition: 'ALLOTTED_TIMEOUT', DIALSTATUS: 'ALLOTTED_TIMEOUT' }, 'no-answer'],
  [
    'SIP nobody listening',
    { originate_disposition: 'NORMAL_TEMPORARY_FAILURE', DIALSTATUS: 'NORMAL_TEMPORARY_FAILURE' },
    'failed',
  ],
  [
    'codec mismatch',
    { originate_disposition: 'INCOMPATIBLE_DESTINATION', DIALSTATUS: 'INCOMPATIBLE_DESTINATION' },
    'failed',
  ],
  // A success after failures: originate_failed_cause is stale and must be ignored.
  [
    'answered after earlier failures',
    {
      originate_disposition: 'SUCCESS',
      DIALSTATUS: 'SUCCESS',
      originate_failed_cause: 'INCOMPATIBLE_DESTINATION',
      bridge_hangup_cause: 'NORMAL_CLEARING',
    },
    'answered',
  ],
  ['caller hung up while ringing', { originate_disposition: 'ORIGINATOR_CANCEL', DIALSTATUS: 'CANCEL' }, 'caller-left'],
  [
    'unregistered agent',
    { originate_disposition: 'USER_NOT_REGISTERED', DIALSTATUS: 'USER_NOT_REGISTERED' },
    'unavailable',
  ],
  ['nothing reported', {}, 'failed'],
  ['only a stale failed cause', { originate_failed_cause: 'USER_BUSY' }, 'failed'],
]

for (const [name, v, outcome] of recorded) {
  t.test(name, async (t) => {
    t.equal(readBridge(vars(v)).outcome, outcome)
  })
}

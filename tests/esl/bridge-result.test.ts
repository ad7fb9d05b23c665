/**
 * Bridge results as recorded from FreeSWITCH 1.10.12 (fixtures bridge-json, bridge_multi, bridge_hangup,
 * bridge_busy_then_answer_rr), and the ring-all legs that could not reach their agent.
 */
import t from 'tap'
import { LEG_NOT_CREATED, readBridge, unreachableLegs } from '../../lib/esl/bridge-result.js'
import { EslEvent } from '../../lib/esl/event.js'
import { received, referenceFrames } from './traces.js'

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

/** The CHANNEL_BRIDGE and bridge EXECUTE_COMPLETE events of a trace, as the router reads them. */
const bridgeEvents = (trace: string) =>
  referenceFrames(received(trace))
    .flatMap((frame) => EslEvent.fromFrame(frame) ?? [])
    .filter(
      (e) =>
        e.name === 'CHANNEL_BRIDGE' || (e.name === 'CHANNEL_EXECUTE_COMPLETE' && e.text('Application') === 'bridge'),
    )

t.test('ring-all legs that could not reach their agent, from originate_causes (bridge_busy_then_answer_rr)', (t) => {
  // The trace's legs: 4000 busy, 1000 answered; the router would have named them with origination_uuid.
  const legs = new Map([
    ['e672016f-71e5-494b-af95-b880173f4571', 'busy-one'],
    ['492400d9-81a0-4df3-94dd-89a3a6c9b824', 'answerer'],
  ])
  const [bridged] = bridgeEvents('bridge_busy_then_answer_rr')
  t.equal(bridged?.name, 'CHANNEL_BRIDGE')
  const causes = bridged!.variableText('originate_causes')
  t.same(unreachableLegs(causes, legs, { outcome: 'answered', cause: 'SUCCESS' }), [], 'busy is not unreachable')
  t.end()
})

t.test('bridge-json: a NO_ROUTE_DESTINATION leg of an earlier bridge counts only when it is ours', (t) => {
  const events = bridgeEvents('bridge-json').filter((e) => e.name === 'CHANNEL_EXECUTE_COMPLETE')
  const last = events.at(-1)!
  const causes = last.variableText('originate_causes')
  t.match(causes, /^ARRAY::ccc73512-8bb7-4f0b-9737-48b7698729dd;NO_ROUTE_DESTINATION\|:/)
  const reading = readBridge((name) => last.variableText(name))
  t.same(unreachableLegs(causes, new Map([['ccc73512-8bb7-4f0b-9737-48b7698729dd', 'far']]), reading), [
    { agent: 'far', cause: 'NO_ROUTE_DESTINATION' },
  ])
  t.same(
    unreachableLegs(
      causes,
      new Map([
        ['ccc73512-8bb7-4f0b-9737-48b7698729dd', 'far'],
        ['00000000-0000-4000-8000-000000000000', 'mine'],
      ]),
      reading,
    ),
    [
      { agent: 'far', cause: 'NO_ROUTE_DESTINATION' },
      { agent: 'mine', cause: reading.outcome === 'unavailable' ? reading.cause : LEG_NOT_CREATED },
    ],
    'a leg of ours with no entry, beside one that has one, was never created',
  )
  t.same(
    unreachableLegs(causes, new Map([['00000000-0000-4000-8000-000000000000', 'mine']]), reading),
    [],
    'none of our UUIDs in originate_causes: FreeSWITCH did not take them, nothing is inferred',
  )
  t.end()
})

t.test('a leg with no entry beside ones with entries: LEG_NOT_CREATED; with none at all, nothing', (t) => {
  const legs = new Map([
    ['11111111-1111-4111-8111-111111111111', 'a1'],
    ['22222222-2222-4222-8222-222222222222', 'a2'],
  ])
  const one = '22222222-2222-4222-8222-222222222222;NO_ANSWER'
  t.same(unreachableLegs(one, legs, { outcome: 'no-answer', cause: 'NO_ANSWER' }), [
    { agent: 'a1', cause: LEG_NOT_CREATED },
  ])
  t.same(
    unreachableLegs(undefined, legs, { outcome: 'unavailable', cause: 'USER_NOT_REGISTERED' }),
    [],
    'no leg created at all: the ring itself was unavailable, which makes every agent unreachable',
  )
  t.end()
})

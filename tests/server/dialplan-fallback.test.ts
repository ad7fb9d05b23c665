/**
 * An internal error with the bundle's dialplan (`socket_resume=true`, a fallback after `socket`): the router lets go
 * of the call and FreeSWITCH's dialplan takes it (apology, fallback mailbox) instead of the router hanging up.
 * Without socket_resume the router plays its own fallback prompt and hangs up, as before.
 */
import t, { type Test } from 'tap'
import type { CallRecord } from '../../lib/engine/record.js'
import type { Seat } from '../../lib/engine/world.js'
import type { CallResult } from '../../lib/testing/fake-freeswitch/index.js'
import { serve } from '../helpers/serve.js'

const YAML = `
name: w
steps:
  A:
    - tag: [before]
    - assign: { team: support }
---
kind: team
name: support
`

/** The bundle's actions after `socket` (freeswitch/dialplan/ivr-router.xml). */
const FALLBACK = [
  'answer',
  'playback ivr/ivr-call_cannot_be_completed_as_dialed.wav',
  'set skip_greeting=true',
  'voicemail ivr-router 127.0.0.1 ivr-fallback',
  'hangup NORMAL_TEMPORARY_FAILURE',
]

async function brokenCall(t: Test, variables: Record<string, string>) {
  const served = await serve(YAML, { fallbackPrompt: { say: '죄송합니다' } })
  t.teardown(served.close)
  const broken = async (): Promise<never> => {
    throw new Error('database exploded')
  }
  served.world.seat = (): Seat => ({
    request: broken,
    answered: broken,
    finish: broken,
    wait: broken,
    pause: broken,
    position: broken,
    leave: broken,
  })
  const recorded = new Promise<CallRecord>((resolve) => {
    const onCall = served.records.push.bind(served.records)
    served.records.push = (...r: CallRecord[]) => {
      resolve(r[0]!)
      return onCall(...r)
    }
  })
  const sim: CallResult = await served.fs.call({
    port: served.port,
    channel: { callerNumber: '01012345678', destination: '07012345678', variables },
    dialplanAfterSocket: FALLBACK,
  }).result
  return { sim, record: await recorded }
}

t.test('with socket_resume the dialplan fallback takes the call', async (t) => {
  const { sim, record } = await brokenCall(t, { socket_resume: 'true' })
  t.same(sim.resumed, FALLBACK, 'FreeSWITCH went on to the fallback after the socket')
  t.equal(sim.closeReason, 'exit', 'the router let go with exit')
  t.notOk(
    sim.commands.some((c) => c.raw.includes('call-command: hangup')),
    'the router did not hang up',
  )
  t.notOk(
    sim.apps.some((a) => a.name === 'playback' && a.data?.startsWith('/var/tts/')),
    'nor played its own prompt over the apology',
  )
  t.equal(sim.dangerous.length, 0)
  t.match(record, { outcome: 'hangup', tags: ['before'] })
  t.match(record.events.at(-1), { type: 'error', message: 'database exploded', handedTo: 'dialplan' })
})

t.test('without socket_resume: the fallback prompt, then the router hangs up', async (t) => {
  const { sim, record } = await brokenCall(t, {})
  t.equal(sim.resumed, undefined, 'nothing after the socket ran')
  t.ok(
    sim.apps.some((a) => a.name === 'playback' && a.data?.startsWith('/var/tts/')),
    'the fallback prompt played',
  )
  t.ok(
    sim.commands.some((c) => c.raw.includes('call-command: hangup')),
    'the router hung up',
  )
  t.match(record.events.at(-1), { type: 'error', message: 'database exploded' })
  t.equal((record.events.at(-1) as { handedTo?: string }).handedTo, undefined)
})

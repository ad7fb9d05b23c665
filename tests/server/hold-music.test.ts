/**
 * Hold music never falls silent (traces moh_star, playback_missing): `*` no longer ends it, and a hold playback
 * that ends anyway while the caller still waits starts again, or gives way to a comfort tone.
 */
import t from 'tap'
import { HOLD_TONE } from '../../lib/esl/call.js'
import { FakeFreeSwitch } from '../../lib/testing/fake-freeswitch/index.js'
import { serve } from '../helpers/serve.js'

const QUEUED = `
name: line
steps:
  A:
    - assign: { team: desk }
---
kind: team
name: desk
---
kind: agent
name: bob
dial: user/1001@pbx
teams: [desk]
status: away
`

t.test('a caller pressing * on hold keeps hearing the hold music', async (t) => {
  const s = await serve(QUEUED)
  t.teardown(s.close)
  const fs = new FakeFreeSwitch({ seed: 4, idleSpeed: 1000 })
  const call = fs.call({
    port: s.port,
    channel: { destination: '07012345678' },
    script: { presses: [{ afterMs: 1500, digit: '*' }], hangup: { duringAppNamed: 'playback', afterMs: 5000 } },
  })
  const result = await call.result
  const prepare = result.commands.findIndex((c) => c.command.includes('uuid_setvar_multi'))
  const hold = result.commands.findIndex((c) => c.raw.includes('execute-app-name: playback'))
  t.ok(prepare >= 0 && prepare < hold, 'the channel is prepared before the hold music starts')
  t.match(result.commands[prepare]!.command, /playback_terminators=none/)
  t.same(
    result.apps.map((a) => [a.name, a.arg]),
    [
      ['answer', undefined],
      ['playback', 'local_stream://moh'],
    ],
    'one hold playback, not ended by the key: the caller left 5 s in, still hearing it',
  )
  t.equal(result.variables.digits_dialed, '*', 'the caller did press * (the router does not subscribe to DTMF)')
  t.equal(result.variables.playback_terminator_used, undefined)
})

t.test('hold music that will not play: tried again, then a comfort tone instead of silence', async (t) => {
  const s = await serve(QUEUED)
  t.teardown(s.close)
  const fs = new FakeFreeSwitch({ seed: 4, idleSpeed: 1000, missingFiles: ['local_stream://moh'] })
  const call = fs.call({
    port: s.port,
    channel: { destination: '07012345678' },
    script: { hangup: { afterMs: 30_000 } },
  })
  const result = await call.result
  t.same(
    result.apps.map((a) => [a.name, a.arg, a.response]),
    [
      ['answer', undefined, '_none_'],
      ['playback', 'local_stream://moh', 'FILE NOT FOUND'],
      ['playback', 'local_stream://moh', 'FILE NOT FOUND'],
      ['playback', HOLD_TONE, 'PLAYBACK ERROR'],
    ],
    'the tone plays until the caller hangs up',
  )
})

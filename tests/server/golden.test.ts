/**
 * Golden transcripts: the simulator replays the FreeSWITCH side of recorded real traces, and the
 * router's commands match what the recording's listener sent for the same scenario. The fixed
 * differences are deliberate and named here.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { serve } from '../helpers/serve.js'
import { replayTrace, type ReceivedCommand } from '../../lib/testing/fake-freeswitch/index.js'

/** The recorded listener's commands: first lines, and execute app/arg pairs, from `NAME.sent.raw`. */
function recorded(name: string): { lines: string[]; apps: [string, string | undefined][] } {
  const raw = readFileSync(new URL(`../fixtures/freeswitch/${name}.sent.raw`, import.meta.url), 'latin1')
  const packets = raw.split('\n\n').filter((p) => p.trim() !== '')
  return {
    lines: packets.map((p) => p.split('\n')[0]!),
    apps: packets
      .filter((p) => p.includes('call-command: execute'))
      .map((p) => [/execute-app-name: (.*)/.exec(p)![1]!, /execute-app-arg: (.*)/.exec(p)?.[1]]),
  }
}

function ours(commands: ReceivedCommand[]) {
  return {
    lines: commands.map((c) => c.command),
    apps: commands
      .filter((c) => c.headers.some(([k, v]) => k.toLowerCase() === 'call-command' && v === 'execute'))
      .map((c) => [
        c.headers.find(([k]) => k === 'execute-app-name')![1],
        c.headers.find(([k]) => k === 'execute-app-arg')?.[1],
      ]),
  }
}

t.test('pagd_hangup: a form read, the caller hangs up in it', async (t) => {
  const s = await serve(`
name: form
steps:
  A:
    - collect: { prompt: { play: "silence_stream://500" }, field: n, minDigits: 1, maxDigits: 4, timeoutSeconds: 20, interDigitSeconds: 3 }
`)
  t.teardown(s.close)
  const sim = await replayTrace('pagd_hangup', { port: s.port }).result
  const want = recorded('pagd_hangup')
  const got = ours(sim.commands)
  // We drop the events we never read, linger for 10 s rather than until `exit`, and subscribe before lingering.
  t.same(
    got.lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
    ['connect', 'myevents json', 'nixevent CHANNEL_ANSWER', 'linger 10', 'sendmsg', 'sendmsg', 'exit'],
  )
  t.same(want.lines, ['connect', 'linger', 'myevents json', 'sendmsg', 'sendmsg', 'exit'])
  // Our regexp accepts any keys (the engine judges them), the recording's took digits only.
  t.same(
    got.apps,
    want.apps.map(([app, arg]) => [app, arg?.replace('\\d+', '^[0-9*#]+$')]),
  )
  await s.server.whenIdle()
  t.match(s.records[0], { outcome: 'abandoned', steps: ['A'] })
})

t.test('hangup_after_bridge_true: the agent answers, talks and hangs up', async (t) => {
  const s = await serve(`
name: agent
steps:
  A:
    - assign: { agent: desk }
---
kind: agent
name: desk
dial: loopback/1000/default
`)
  t.teardown(s.close)
  const sim = await replayTrace('hangup_after_bridge_true', { port: s.port }).result
  const want = recorded('hangup_after_bridge_true')
  const got = ours(sim.commands)
  t.same(
    want.apps.map(([app]) => app),
    ['answer', 'set', 'bridge'],
  )
  // Bridge variables go in one `api uuid_setvar_multi` (no application run) instead of `set`, and we keep the call after
  // the bridge (hangup_after_bridge=false) to record it, then hang up ourselves.
  t.same(
    got.apps.map(([app]) => app),
    ['answer', 'bridge'],
  )
  t.match(got.apps[1]![1], /\]loopback\/1000\/default$/, 'the same endpoint')
  t.ok(
    got.lines.some((l) => l.startsWith('api uuid_setvar_multi ')),
    'bridge variables set by api',
  )
  t.equal(got.lines.at(-1), 'exit')
  await s.server.whenIdle()
  t.match(s.records[0], { outcome: 'connected', agent: 'desk' })
  t.ok(s.records[0]!.talkSeconds >= 0)
})

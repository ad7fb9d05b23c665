/**
 * Parity: the same scenarios through `simulate` (virtual time, no sockets) and through `serve` with
 * the FreeSWITCH simulator over TCP give the same outcome, steps, record and ordered applications.
 */
import t from 'tap'
import { DEFAULT_RETRY_DELAY_SECONDS } from '../../lib/routing/ledger.js'
import { readFileSync } from 'node:fs'
import { run, type Run } from '../helpers/sim.js'
import { serve } from '../helpers/serve.js'
import type { CallEvent } from '../../lib/engine/record.js'
import type { CallScript } from '../../lib/testing/fake-freeswitch/index.js'

const yaml = readFileSync(new URL('../fixtures/workflows/reservations.yaml', import.meta.url), 'utf8')
const SCHEDULE =
  'weekly: { mon-fri: ["09:00-12:00", "13:00-18:00"], sat: ["10:00-14:00"] }\nholidays: ["2026-12-25", "2027-01-01"]'
const open = yaml.replace(SCHEDULE, 'weekly: { mon-sun: ["00:00-24:00"] }')
const closed = yaml.replace(SCHEDULE, 'weekly: {}')

/** The FreeSWITCH applications a simulated call implies, in order. */
function appsOf(events: CallEvent[]): string[] {
  const apps: string[] = []
  for (const e of events) {
    if (e.type === 'message') apps.push('playback')
    else if (e.type === 'menu' || e.type === 'collect') apps.push('play_and_get_digits')
    else if (e.type === 'ring' && e.targets.length > 0) apps.push('bridge')
    else if (e.type === 'queue' && e.event === 'enter') apps.push('playback')
    else if (e.type === 'voicemail') apps.push('record')
  }
  return apps
}

/** `sameApps: false` where the hang-up is scripted differently: on entering a step vs. during its first application. */
type Scenario = { name: string; yaml: string; sim: Run; fs: CallScript; sameApps?: false }

const scenarios: Scenario[] = [
  {
    name: 'menu, form, agent answers',
    yaml: open,
    sim: { keys: ['1', '123456#'], connect: ['answer'] },
    fs: { keys: ['1', '123456#'], bridges: ['answer'] },
  },
  {
    name: 'no answer, fallback team answers',
    yaml: open,
    sim: { keys: ['1', '123456#'], connect: ['no-answer', 'answer'] },
    fs: { keys: ['1', '123456#'], bridges: ['no-answer', 'answer'] },
  },
  {
    name: 'no answer, fallback busy, caller leaves the queue',
    yaml: open,
    sim: { keys: ['1', '123456#'], connect: ['no-answer', 'busy'] },
    fs: { keys: ['1', '123456#'], bridges: ['no-answer', 'busy'], hangup: { duringAppNamed: 'playback' } },
  },
  {
    name: 'SMS and voicemail',
    yaml: open,
    sim: { keys: ['2'], voicemailSeconds: 10 },
    fs: { keys: ['2'], record: { speakMs: 10_000, end: 'hangup' } },
  },
  {
    name: 'invalid, repeat, silence: the plays run out',
    yaml: open,
    sim: { keys: ['9', '*', ''] },
    fs: { keys: ['9', '*', null] },
  },
  {
    name: 'form too short then right',
    yaml: open,
    sim: { keys: ['1', '12#', '1234567#'], connect: ['answer'] },
    fs: { keys: ['1', '12#', '1234567#'], bridges: ['answer'] },
  },
  {
    name: 'caller hangs up in the menu',
    yaml: open,
    sim: { hangupAtStep: 'B' },
    fs: { hangup: { duringAppNamed: 'play_and_get_digits' } },
    sameApps: false,
  },
  {
    name: 'closed: message, hangup into the inbox',
    yaml: closed,
    sim: {},
    fs: {},
  },
]

for (const sc of scenarios) {
  t.test(sc.name, async (t) => {
    const simulated = await run(sc.yaml, sc.sim)
    // The agents rest after a ring that failed, as in `simulate` (and `serve`'s default).
    const s = await serve(sc.yaml, {}, { retryDelaySeconds: DEFAULT_RETRY_DELAY_SECONDS })
    t.teardown(s.close)
    const { sim, record } = await s.call(sc.fs)
    const pick = (r: typeof simulated.record | undefined) => ({
      outcome: r?.outcome,
      inbox: r?.inbox?.reason ?? null,
      steps: r?.steps,
      team: r?.team,
      tags: r?.tags,
      fields: r?.fields,
      sms: r?.sms,
    })
    t.same(pick(record), pick(simulated.record), 'same record')
    const served = sim.apps.filter((a) => a.name !== 'answer' && !a.skipped).map((a) => a.name)
    if (sc.sameApps !== false)
      t.same(served, appsOf(simulated.events), 'same FreeSWITCH applications in the same order')
    t.same(sim.dangerous, [])
  })
}

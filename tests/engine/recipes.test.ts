/** The shipped recipes are valid and behave as their titles promise. */
import t from 'tap'
import { listRecipes } from '../../lib/recipes.js'
import { documentsOf, loadString } from '../../lib/workflow/load.js'
import { formatDiagnostic, validateDocuments } from '../../lib/workflow/validate.js'
import { simulate } from '../../lib/sim/simulate.js'
import type { Scenario } from '../../lib/sim/scenario.js'
import { parseHttpScript } from '../../lib/sim/requests.js'

const recipes = listRecipes()

t.test('the recipes are listed with titles', async (t) => {
  t.same(
    recipes.map((r) => [r.name, r.title]),
    [
      ['callback-when-busy', 'Callback info when call volume is high'],
      ['ivr-experience-design', 'IVR experience design'],
      ['reservation-lookup', 'IVR experience design (reservation lookup)'],
    ],
  )
})

for (const recipe of recipes) {
  t.test(`${recipe.name} validates without errors or warnings`, async (t) => {
    const loaded = loadString(recipe.text, `${recipe.name}.yaml`)
    const diagnostics = [...loaded.diagnostics, ...validateDocuments(loaded)]
    t.same(diagnostics.map(formatDiagnostic), [])
  })
}

function run(name: string, at: string, scenario: Partial<Scenario>, http: string[] = []) {
  const recipe = recipes.find((r) => r.name === name)!
  return simulate({
    http: new Map(http.map((entry) => parseHttpScript(entry))),
    directory: documentsOf(loadString(recipe.text, `${name}.yaml`)),
    caller: '010-1234-5678',
    dialed: '02-1234-5678',
    at: Date.parse(at),
    region: 'KR',
    scenario: { keys: [], connect: [], queueWaitSeconds: 0, talkSeconds: 60, voicemailSeconds: 10, ...scenario },
  })
}

const MONDAY_10 = '2026-11-23T10:00:00+09:00'

t.test('IVR experience design: hours branch → menu → team routing', async (t) => {
  const orders = await run('ivr-experience-design', MONDAY_10, { keys: ['1'], connect: ['answer'] })
  t.match(orders, { outcome: 'connected', steps: ['hours', 'main-menu', 'orders'], team: 'orders', tags: ['orders'] })
  const fallback = await run('ivr-experience-design', MONDAY_10, { keys: ['2'], connect: ['no-answer', 'answer'] })
  t.match(fallback, { outcome: 'connected', steps: ['hours', 'main-menu', 'shipping', 'general'], team: 'support' })
  const silent = await run('ivr-experience-design', MONDAY_10, { connect: ['answer'] })
  t.match(silent, { outcome: 'connected', steps: ['hours', 'main-menu', 'general'] }, 'no key: otherwise general')
  const night = await run('ivr-experience-design', '2026-11-23T21:00:00+09:00', { connect: ['answer'] })
  t.match(night, { outcome: 'hangup', steps: ['hours', 'closed'], inbox: null }, 'off-hours message ends the call')
})

t.test('Callback when busy: the queued workflow runs after 60 s of waiting', async (t) => {
  const vm = await run('callback-when-busy', MONDAY_10, { keys: ['1'], queueWaitSeconds: 120 })
  t.match(vm, { outcome: 'voicemail', inbox: { reason: 'voicemail' }, steps: ['A', 'offer', 'leave-message'] })
  const sms = await run('callback-when-busy', MONDAY_10, { keys: ['2', '01055556666#'], queueWaitSeconds: 120 })
  t.match(sms, { outcome: 'missed', inbox: { reason: 'workflow_hangup' }, tags: ['callback'] })
  t.same(
    sms.sms.map((s) => s.to),
    ['+821055556666'],
  )
  const callback = await run('callback-when-busy', MONDAY_10, { keys: ['4', '1'], queueWaitSeconds: 120 })
  t.match(callback, { outcome: 'callback', inbox: null, steps: ['A', 'offer', 'call-back'] }, 'a callback in its place')
  t.same(callback.callback, { id: 'cb-sim-0001', number: '+821012345678', team: 'support' })
  const impatient = await run('callback-when-busy', MONDAY_10, { queueWaitSeconds: 30 })
  t.match(impatient, { outcome: 'missed', inbox: { reason: 'queue_abandoned' }, steps: ['A'] }, 'gone before 60 s')
  // Nobody is free at the first ring nor at the eleven retries (every 5 s) before the 60 s mark.
  const busyThenFree = [...Array<'none'>(12).fill('none'), 'answer' as const]
  const waits = await run('callback-when-busy', MONDAY_10, {
    keys: ['3'],
    queueWaitSeconds: 300,
    connect: busyThenFree,
  })
  t.match(waits, { outcome: 'connected', steps: ['A', 'offer', 'keep-waiting'] }, 'back to the queue, then answered')
  const early = await run('callback-when-busy', MONDAY_10, { queueWaitSeconds: 300, connect: ['none', 'answer'] })
  t.match(early, { outcome: 'connected', steps: ['A'] }, 'an agent free before 60 s: the queued workflow never runs')
})

t.test(
  'reservation-lookup reads a confirmed reservation back, routes a VIP, and hands a failed lookup to an agent',
  async (t) => {
    const at = '2026-12-07T10:00:00+09:00'
    const answer = { reservation: { status: 'confirmed', date: '2026-12-08', time: '19:00', guests: 4 } }
    const read = await run('reservation-lookup', at, { keys: ['1', '123456'] }, [`crm=${JSON.stringify(answer)}`])
    t.same(read.steps, ['main-menu', 'ask-number', 'read-back'])
    t.match(
      read.events.find((e) => e.type === 'message' && e.step === 'read-back'),
      {
        prompt: 'say "십이월 팔 일 화요일 오후 일곱 시, 인원 사 명, 예약이 확정되어 있습니다. 감사합니다."',
      },
    )
    t.same(read.sms, [{ to: '+821012345678', text: '[예약 확인] 123456: 2026-12-08 19:00, 4명' }])
    const vip = await run('reservation-lookup', at, { keys: ['1', '123456'], connect: ['answer'] }, [
      'crm={"customer":{"tier":"vip"}}',
    ])
    t.same([vip.steps, vip.team, vip.outcome], [['main-menu', 'ask-number', 'vip'], 'vip', 'connected'])
    const failed = await run('reservation-lookup', at, { keys: ['1', '123456'], connect: ['answer'] }, ['crm=timeout'])
    t.same(failed.steps, ['main-menu', 'ask-number', 'lookup-failed', 'agent'])
    t.equal(failed.outcome, 'connected')
  },
)

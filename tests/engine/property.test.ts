/**
 * Property: any valid workflow with any caller input ends, in bounded steps, with a defined
 * outcome whose inbox row agrees with DESIGN.md's rules.
 * Generated workflows only jump forward without reading keys (as validation demands); menus and
 * forms may jump anywhere.
 */
import t from 'tap'
import fc from 'fast-check'
import { simulate } from '../../lib/sim/simulate.js'
import { Workflow, Team, Schedule } from '../../lib/workflow/schema.js'
import type { Directory } from '../../lib/workflow/directory.js'

const STEPS = 6
const stepName = (i: number) => `S${i}`

/** An action at step `i`: forward jumps for key-less exits, any step for menus and forms. */
function action(i: number): fc.Arbitrary<unknown> {
  const forward = fc.integer({ min: Math.min(i + 1, STEPS - 1), max: STEPS - 1 }).map(stepName)
  const anywhere = fc.integer({ min: 0, max: STEPS - 1 }).map(stepName)
  const prompt = fc.constantFrom({ say: '안내' }, { play: 'ivr/x.wav' })
  const condition = fc.constantFrom(
    { open: 'hours' },
    { closed: 'hours' },
    { caller: { prefix: '010' } },
    { field: { name: 'f', exists: true } },
    { team: 'sales' },
  )
  const last = i === STEPS - 1
  const options: fc.Arbitrary<unknown>[] = [
    prompt.map((p) => ({ message: p })),
    fc.constantFrom({ assign: { team: 'sales' } }, { assign: { team: 'support' } }, { unassign: 'all' }),
    fc.constant({ tag: ['t'] }),
    fc.constant({ sms: { text: 'hi {{fields.f}}' } }),
    fc
      .record({
        prompt,
        keys: fc.uniqueArray(fc.constantFrom('1', '2', '#'), { minLength: 1, maxLength: 3 }),
        to: anywhere,
      })
      .map(({ prompt, keys, to }) => ({
        menu: { prompt, options: Object.fromEntries(keys.map((k) => [k, k === '2' ? 'repeat' : to])) },
      })),
    fc.record({ to: anywhere, min: fc.integer({ min: 1, max: 3 }) }).map(({ to, min }) => ({
      collect: { prompt: { say: '입력' }, field: 'f', minDigits: min, maxDigits: 4, otherwise: to },
    })),
    fc.constant({ voicemail: null }),
    fc.boolean().map((inbox) => ({ hangup: { inbox } })),
  ]
  if (!last) {
    options.push(
      forward.map((to) => ({ goto: to })),
      fc
        .record({ c: condition, a: forward, b: forward })
        .map(({ c, a, b }) => ({ branch: [{ if: c, goto: a }, { goto: b }] })),
      fc.option(forward, { nil: undefined }).map((to) => ({ connect: to ? { otherwise: to } : {} })),
    )
  }
  return fc.oneof(...options)
}

const workflowArb = fc
  .tuple(...Array.from({ length: STEPS }, (_, i) => fc.array(action(i), { minLength: 1, maxLength: 3 })))
  .chain((steps) =>
    fc.integer({ min: 1, max: 4 }).map((repeat) => ({
      name: 'random',
      repeat,
      steps: Object.fromEntries(steps.map((actions, i) => [stepName(i), actions])),
    })),
  )

const scenarioArb = fc.record({
  keys: fc.array(fc.constantFrom('', '1', '2', '#', '12', '123#', '9'), { maxLength: 12 }),
  connect: fc.array(fc.constantFrom('answer', 'no-answer', 'busy', 'none'), { maxLength: 4 }),
  queueWaitSeconds: fc.integer({ min: 0, max: 120 }),
  hangupAtStep: fc.option(fc.integer({ min: 0, max: STEPS }).map(stepName), { nil: undefined }),
  hour: fc.integer({ min: 0, max: 23 }),
})

const directory = (wf: unknown): Directory => ({
  workflows: [
    Workflow.parse(wf),
    Workflow.parse({
      name: 'q',
      trigger: 'queued',
      team: 'support',
      waitSeconds: 20,
      steps: { Q: [{ menu: { prompt: { say: 'q' }, options: { '1': 'V' } } }], V: [{ voicemail: null }] },
    }),
  ],
  schedules: [
    Schedule.parse({ kind: 'schedule', name: 'hours', timezone: 'Asia/Seoul', weekly: { 'mon-fri': ['09:00-18:00'] } }),
  ],
  teams: [Team.parse({ kind: 'team', name: 'sales' }), Team.parse({ kind: 'team', name: 'support' })],
  agents: [],
  contacts: [],
})

t.test('random workflows always end with a defined outcome', async (t) => {
  await fc.assert(
    fc.asyncProperty(workflowArb, scenarioArb, async (wf, s) => {
      const r = await simulate({
        directory: directory(wf),
        caller: '01012345678',
        dialed: '07012345678',
        at: Date.parse(`2026-11-23T${String(s.hour).padStart(2, '0')}:30:00+09:00`),
        region: 'KR',
        scenario: {
          keys: s.keys,
          connect: s.connect as ('answer' | 'no-answer' | 'busy' | 'none')[],
          queueWaitSeconds: s.queueWaitSeconds,
          talkSeconds: 30,
          voicemailSeconds: 10,
          ...(s.hangupAtStep ? { hangupAtStep: s.hangupAtStep } : {}),
        },
      })
      const reason = r.inbox?.reason ?? null
      const expected: Record<string, (string | null)[]> = {
        connected: [null],
        abandoned: [null],
        hangup: [null],
        voicemail: ['voicemail'],
        missed: ['queue_abandoned', 'workflow_hangup'],
      }
      if (!expected[r.outcome]?.includes(reason)) throw new Error(`outcome ${r.outcome} with inbox ${reason}`)
      if (r.steps.length > 200) throw new Error(`${r.steps.length} steps`)
      if (r.events.some((e) => e.type === 'error'))
        throw new Error(JSON.stringify(r.events.filter((e) => e.type === 'error')))
      if (r.outcome === 'connected' && !r.events.some((e) => e.type === 'ring' && e.result === 'answered'))
        throw new Error('connected without an answered ring')
    }),
    { numRuns: 300, seed: 20261125 },
  )
  t.pass('300 random workflows and scenarios ended well')
})

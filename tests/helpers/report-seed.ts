/**
 * Ten calls with known report rows, written through the router's own record path (writeRecord):
 * two days in Asia/Seoul (2026-11-23 Mon, 2026-11-24 Tue), a call across midnight, a call that is on
 * another day in UTC, a queued workflow's menu and voicemail, a team (billing) nobody answered for,
 * every outcome and inbox reason. tests/store/reports.test.ts lists the rows each report must give.
 */
import { sql } from 'drizzle-orm'
import type { EventInput } from '../../lib/engine/context.js'
import type { CallEvent, CallRecord } from '../../lib/engine/record.js'
import type { Db } from '../../lib/store/db.js'
import { writeRecord } from '../../lib/store/records.js'
import { callRecord } from './store.js'

const step = (workflow: string, name: string): EventInput => ({ type: 'step', step: name, workflow })
const menu = (
  name: string,
  play: number,
  keys: string,
  result: 'ok' | 'repeat' | 'no-input' | 'invalid',
  goto?: string,
) => ({ type: 'menu', step: name, play, keys, result, ...(goto ? { goto } : {}) }) as EventInput
const assign = (name: string, team: string): EventInput => ({ type: 'assign', step: name, team })
const ring = (team: string, result: 'answered' | 'no-answer' | 'unavailable', name?: string): EventInput => ({
  type: 'ring',
  ...(name ? { step: name } : {}),
  team,
  targets: ['minji'],
  result,
  ...(result === 'answered' ? { answeredBy: 'minji' } : {}),
})
const queue = (team: string, event: 'enter' | 'leave', waitSeconds?: number): EventInput => ({
  type: 'queue',
  team,
  event,
  ...(waitSeconds === undefined ? {} : { waitSeconds }),
})
const callerHangup: EventInput = { type: 'hangup', by: 'caller' }

type Seed = {
  id: string
  /** ISO-8601 with its offset. */
  start: string
  seconds: number
  events: EventInput[]
} & Partial<Omit<CallRecord, 'id' | 'events' | 'steps' | 'startedAt' | 'endedAt'>>

function record(seed: Seed): CallRecord {
  const { id, start, seconds, events, ...rest } = seed
  const startedAt = Date.parse(start)
  const timed = events.map((e, i) => ({ ...e, at: Math.min(i * 1000, seconds * 1000) }) as CallEvent)
  return callRecord(id, {
    workflow: 'main',
    callerName: '',
    startedAt,
    answeredAt: startedAt,
    endedAt: startedAt + seconds * 1000,
    ...rest,
    steps: timed.flatMap((e) => (e.type === 'step' ? [e.step] : [])),
    events: timed,
  })
}

export const SEED: readonly Seed[] = [
  {
    id: 'c1',
    start: '2026-11-23T10:05:00+09:00',
    seconds: 80,
    outcome: 'connected',
    team: 'orders',
    agent: 'minji',
    talkSeconds: 60,
    events: [
      step('main', 'hours'),
      step('main', 'menu'),
      menu('menu', 1, '1', 'ok', 'orders'),
      step('main', 'orders'),
      assign('orders', 'orders'),
      ring('orders', 'answered', 'orders'),
    ],
  },
  {
    id: 'c2',
    start: '2026-11-23T10:20:00+09:00',
    seconds: 90,
    outcome: 'connected',
    team: 'shipping',
    agent: 'minji',
    queueSeconds: 15,
    talkSeconds: 30,
    events: [
      step('main', 'hours'),
      step('main', 'menu'),
      menu('menu', 1, '', 'no-input'),
      menu('menu', 2, '*', 'repeat'),
      menu('menu', 3, '2', 'ok', 'shipping'),
      step('main', 'shipping'),
      assign('shipping', 'shipping'),
      ring('shipping', 'unavailable'),
      queue('shipping', 'enter'),
      ring('shipping', 'answered'),
      queue('shipping', 'leave', 15),
    ],
  },
  {
    id: 'c3',
    start: '2026-11-23T10:40:00+09:00',
    seconds: 12,
    outcome: 'abandoned',
    events: [step('main', 'hours'), step('main', 'menu'), menu('menu', 1, '9', 'invalid'), callerHangup],
  },
  {
    id: 'c4',
    start: '2026-11-23T11:10:00+09:00',
    seconds: 75,
    outcome: 'missed',
    inbox: { reason: 'queue_abandoned' },
    team: 'orders',
    queueSeconds: 40,
    caller: '+821099990000',
    fields: { note: 'says "call back, after 6"\nplease' },
    events: [
      step('main', 'hours'),
      step('main', 'menu'),
      menu('menu', 1, '1', 'ok', 'orders'),
      step('main', 'orders'),
      assign('orders', 'orders'),
      ring('orders', 'no-answer', 'orders'),
      queue('orders', 'enter'),
      callerHangup,
      queue('orders', 'leave', 40),
    ],
  },
  {
    // Starts before midnight in Seoul, ends after: counted on the day it started.
    id: 'c5',
    start: '2026-11-23T23:59:30+09:00',
    seconds: 120,
    outcome: 'missed',
    inbox: { reason: 'workflow_hangup' },
    events: [
      step('main', 'hours'),
      step('main', 'closed'),
      { type: 'message', step: 'closed', prompt: 'say "closed"' },
      { type: 'hangup', step: 'closed', by: 'workflow' },
    ],
  },
  {
    // 2026-11-24 in Seoul, 2026-11-23 in UTC. The queued workflow "busy" runs and takes a voicemail.
    id: 'c6',
    start: '2026-11-24T08:30:00+09:00',
    seconds: 160,
    outcome: 'voicemail',
    inbox: { reason: 'voicemail', recording: { path: '/var/lib/ivr/c6.wav', seconds: 20 } },
    team: 'shipping',
    queueSeconds: 75,
    events: [
      step('main', 'hours'),
      step('main', 'menu'),
      menu('menu', 1, '2', 'ok', 'shipping'),
      step('main', 'shipping'),
      assign('shipping', 'shipping'),
      ring('shipping', 'unavailable'),
      queue('shipping', 'enter'),
      { type: 'queue', team: 'shipping', event: 'workflow', workflow: 'busy' },
      step('busy', 'offer'),
      menu('offer', 1, '1', 'ok', 'leave-message'),
      step('busy', 'leave-message'),
      { type: 'voicemail', step: 'leave-message', recorded: true, seconds: 20, path: '/var/lib/ivr/c6.wav' },
      queue('shipping', 'leave', 75),
    ],
  },
  {
    id: 'c7',
    start: '2026-11-24T09:00:00+09:00',
    seconds: 110,
    outcome: 'connected',
    team: 'support',
    agent: 'junho',
    queueSeconds: 25,
    talkSeconds: 50,
    events: [
      step('main', 'hours'),
      step('main', 'menu'),
      menu('menu', 1, '0', 'ok', 'general'),
      step('main', 'general'),
      assign('general', 'support'),
      ring('support', 'no-answer'),
      queue('support', 'enter'),
      ring('support', 'answered'),
      queue('support', 'leave', 25),
    ],
  },
  {
    id: 'c8',
    start: '2026-11-24T09:10:00+09:00',
    seconds: 45,
    workflow: 'other',
    outcome: 'connected',
    team: 'support',
    agent: 'junho',
    talkSeconds: 40,
    events: [step('other', 'A'), assign('A', 'support'), ring('support', 'answered')],
  },
  {
    // Billing: offered once, never answered.
    id: 'c9',
    start: '2026-11-24T10:00:00+09:00',
    seconds: 8,
    workflow: 'other',
    outcome: 'missed',
    inbox: { reason: 'queue_abandoned' },
    team: 'billing',
    queueSeconds: 5,
    events: [
      step('other', 'A'),
      assign('A', 'billing'),
      ring('billing', 'unavailable'),
      queue('billing', 'enter'),
      callerHangup,
      queue('billing', 'leave', 5),
    ],
  },
  {
    id: 'c10',
    start: '2026-11-24T10:30:00+09:00',
    seconds: 30,
    outcome: 'hangup',
    events: [
      step('main', 'hours'),
      step('main', 'menu'),
      menu('menu', 1, '', 'no-input'),
      menu('menu', 2, '', 'no-input'),
      menu('menu', 3, '', 'no-input'),
      { type: 'exhausted', step: 'menu', action: 'menu' },
      { type: 'hangup', by: 'workflow' },
    ],
  },
]

/** Writes the seed calls; c4's inbox row is resolved, the others stay open. */
export async function seedReports(db: Pick<Db, 'execute'>): Promise<void> {
  for (const seed of SEED) if (!(await writeRecord(db, record(seed)))) throw new Error(`call ${seed.id} exists`)
  await db.execute(sql`update inbox set resolved_at = '2026-11-23T12:00:00+09:00' where call_id = 'c4'`)
}

/**
 * The live board's deltas: per section the rows added or changed and the keys gone, the count of calls under way
 * with their section, and nothing at all when only the server's clock moved.
 */
import t from 'tap'
import { boardDelta } from '../../lib/console/board-delta.js'
import type { BoardSnapshot } from '../../lib/console/board.js'

const queued = (callId: string, team = 'support', state: 'waiting' | 'ringing' = 'waiting') => ({
  callId,
  team,
  agent: null,
  caller: '+821055556666',
  enqueuedAt: new Date('2026-12-07T10:00:00Z'),
  priority: 0,
  state,
  router: 'r1',
  kind: 'call' as const,
})

const agent = (name: string, status: 'available' | 'away', restUntil: Date | null = null) => ({
  name,
  title: null,
  dial: `user/${name}`,
  status,
  teams: ['support'],
  wrapUpSeconds: null,
  maxNoAnswer: null,
  reservedBy: null,
  leaseUntil: null,
  lastCallEnd: null,
  restUntil,
  restReason: restUntil ? 'wrap-up' : null,
  restCause: null,
  noAnswers: 0,
})

const call = (callId: string, step: string | null) => ({
  callId,
  caller: '+821011112222',
  dialed: '+827012345678',
  workflow: 'main',
  startedAt: '2026-12-07T10:00:00.000Z',
  router: 'r1',
  routerAlive: true,
  step,
  stepWorkflow: step ? 'main' : null,
  stepAt: step ? '2026-12-07T10:00:01.000Z' : null,
})

const before: BoardSnapshot = {
  serverTime: '2026-12-07T10:00:05.000Z',
  teams: [{ name: 'support', title: null, agents: ['minji', 'joon'] }],
  queue: [queued('q1'), queued('q2'), queued('q3')],
  agents: [agent('joon', 'away'), agent('minji', 'available')],
  underWay: { total: 3, calls: [call('c1', 'A'), call('c2', null)] },
}

t.test('nothing changed but the clock: no delta', async (t) => {
  const later = structuredClone({ ...before, serverTime: '2026-12-07T10:00:06.000Z' })
  t.equal(boardDelta(before, later), undefined)
})

t.test('each section: rows added or changed, keys removed; the sections that did not change are absent', async (t) => {
  const after: BoardSnapshot = {
    serverTime: '2026-12-07T10:00:06.000Z',
    teams: [
      { name: 'support', title: 'Support', agents: ['minji', 'joon'] },
      { name: 'sales', title: null, agents: [] },
    ],
    queue: [queued('q2', 'support', 'ringing'), queued('q3'), queued('q4', 'sales')],
    agents: [agent('joon', 'away'), agent('minji', 'available', new Date('2026-12-07T10:01:00Z'))],
    underWay: { total: 4, calls: [call('c1', 'B'), call('c3', null)] },
  }
  t.strictSame(boardDelta(before, after), {
    serverTime: '2026-12-07T10:00:06.000Z',
    queue: { set: [queued('q2', 'support', 'ringing'), queued('q4', 'sales')], removed: ['q1'] },
    agents: { set: [agent('minji', 'available', new Date('2026-12-07T10:01:00Z'))], removed: [] },
    teams: {
      set: [
        { name: 'support', title: 'Support', agents: ['minji', 'joon'] },
        { name: 'sales', title: null, agents: [] },
      ],
      removed: [],
    },
    underWay: { set: [call('c1', 'B'), call('c3', null)], removed: ['c2'], total: 4 },
  })
})

t.test('a change in one section only; the count of calls alone carries the calls section', async (t) => {
  const agentsOnly = { ...before, agents: [agent('joon', 'available'), agent('minji', 'available')] }
  t.strictSame(boardDelta(before, agentsOnly), {
    serverTime: before.serverTime,
    agents: { set: [agent('joon', 'available')], removed: [] },
  })
  const moreCalls = { ...before, underWay: { ...before.underWay, total: 1000 } }
  t.strictSame(boardDelta(before, moreCalls), {
    serverTime: before.serverTime,
    underWay: { set: [], removed: [], total: 1000 },
  })
  const teamMembers = { ...before, teams: [{ name: 'support', title: null, agents: ['minji'] }] }
  t.strictSame(boardDelta(before, teamMembers)?.teams, {
    set: [{ name: 'support', title: null, agents: ['minji'] }],
    removed: [],
  })
})

t.test('dates compare by their time, not by identity', async (t) => {
  const again = { ...before, agents: [agent('joon', 'away'), agent('minji', 'available')] }
  t.equal(boardDelta(before, again), undefined, 'equal dates in new objects: no change')
  const sooner = { ...before, queue: [{ ...queued('q1'), enqueuedAt: new Date('2026-12-07T09:59:59Z') }] }
  t.strictSame(boardDelta(before, sooner)?.queue, {
    set: [{ ...queued('q1'), enqueuedAt: new Date('2026-12-07T09:59:59Z') }],
    removed: ['q2', 'q3'],
  })
})

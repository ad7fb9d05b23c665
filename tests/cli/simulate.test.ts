/** `ivr-router simulate` as DESIGN.md's contract states it, run as a subprocess. */
import t from 'tap'
import { cli } from '../helpers/cli.js'
import { testDatabase } from '../helpers/db.js'

const FILE = 'tests/fixtures/workflows/reservations.yaml'
const OPEN = '2026-11-23T10:00:00+09:00'

t.test('--json prints the contract object', async (t) => {
  const r = await cli([
    'simulate',
    FILE,
    '--at',
    OPEN,
    '--keys',
    '1,123456#',
    '--connect',
    'no-answer,answer',
    '--json',
  ])
  t.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as Record<string, unknown>
  t.same(Object.keys(out).sort(), [
    'agent',
    'callback',
    'events',
    'fields',
    'inbox',
    'outcome',
    'sms',
    'steps',
    'tags',
    'team',
    'workflow',
  ])
  t.match(out, {
    workflow: 'reservations',
    steps: ['A', 'B', 'D', 'F'],
    outcome: 'connected',
    inbox: null,
    team: 'support',
    agent: 'bob',
    tags: ['reservation'],
    fields: { reservationNo: '123456' },
    sms: [],
  })
})

t.test('no input is _, the queue wait and the inbox reason', async (t) => {
  const r = await cli(['simulate', FILE, '--at', OPEN, '--keys', '_,1,123456#', '--queue-wait', '45', '--json'])
  t.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as { outcome: string; inbox: unknown; events: { type: string; result?: string }[] }
  t.equal(out.outcome, 'missed')
  t.same(out.inbox, { reason: 'queue_abandoned' })
  t.equal(out.events.find((e) => e.type === 'menu')?.result, 'no-input')
})

t.test('--hangup-at and --from', async (t) => {
  const r = await cli(['simulate', FILE, '--at', OPEN, '--from', '+82 10 5555 6666', '--hangup-at', 'B', '--json'])
  const out = JSON.parse(r.stdout) as { outcome: string; inbox: unknown }
  t.equal(out.outcome, 'abandoned')
  t.equal(out.inbox, null)
})

t.test('the transcript is one line per event with a summary', async (t) => {
  const r = await cli(['simulate', FILE, '--at', '2026-11-23T20:00:00+09:00'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /\+0\.0s {2}A {9}branch 2 → go to C/)
  t.match(r.stdout, /outcome: missed \(inbox: workflow_hangup\)/)
})

t.test('bad flags are one plain line and exit 1', async (t) => {
  for (const [args, message] of [
    [['--keys', '1,x'], /--keys entry 2 "x"/],
    [['--connect', 'maybe'], /--connect entry 1 "maybe"/],
    [['--at', 'tomorrow'], /--at "tomorrow"/],
    [['--queue-wait', '-1'], /--queue-wait/],
    [['--hangup-at', 'Z'], /--hangup-at "Z": no such step/],
  ] as const) {
    const r = await cli(['simulate', FILE, ...args])
    t.equal(r.code, 1, args.join(' '))
    t.match(r.stderr, message)
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace')
  }
})

t.test('an invalid workflow file is reported, not run', async (t) => {
  const r = await cli(['simulate', 'tests/fixtures/workflows/does-not-exist.yaml'])
  t.equal(r.code, 1)
  t.match(r.stderr, /does-not-exist\.yaml/)
  t.equal(r.stdout, '')
})

t.test('--number without files resolves the workflow from the database as serve does', async (t) => {
  const db = await testDatabase(t)
  const env = db.env
  t.equal((await cli(['db', 'migrate'], env)).code, 0)
  t.equal((await cli(['apply', FILE], env)).code, 0)
  t.equal((await cli(['number', 'bind', '+82 70 1234 5678', 'reservations'], env)).code, 0)
  const r = await cli(['simulate', '--number', '070-1234-5678', '--at', OPEN, '--keys', '2', '--json'], env)
  t.equal(r.code, 0, r.stderr)
  t.match(JSON.parse(r.stdout), { workflow: 'reservations', outcome: 'voicemail', steps: ['A', 'B', 'E'] })
  const none = await cli(['simulate'], env)
  t.equal(none.code, 1)
  t.match(none.stderr, /give workflow files, or --number/)
})

import t from 'tap'
import fc from 'fast-check'
import { isOpen, isValidTimezone, nextChange } from '../../lib/schedule/open.js'
import type { Schedule } from '../../lib/workflow/schema.js'

/** Instants are written in UTC on purpose: the local time each one stands for is in the comment. */
const at = (iso: string) => Date.parse(iso)
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

function schedule(timezone: string, weekly: Schedule['weekly'], holidays: string[] = []): Schedule {
  return { kind: 'schedule', name: 'hours', timezone, weekly, holidays }
}

/** Each row: UTC instant, expected state, what the instant is locally. */
type Row = [string, boolean, string]
/** The rows whose state is not the expected one (so a failure names them all). */
function wrong(s: Schedule, rows: Row[]): string[] {
  return rows
    .filter(([instant, open]) => isOpen(s, at(instant)) !== open)
    .map(([i, open, local]) => `${local} (${i}) should be ${open ? 'open' : 'closed'}`)
}

t.test('Asia/Seoul business hours (no DST)', async (t) => {
  const s = schedule('Asia/Seoul', { 'mon-fri': ['09:00-12:00', '13:00-18:00'], sat: ['10:00-14:00'] }, ['2026-12-25'])
  t.same(
    wrong(s, [
      ['2026-03-01T23:59:00Z', false, 'Mon 2026-03-02 08:59'],
      ['2026-03-02T00:00:00Z', true, 'Mon 09:00'],
      ['2026-03-02T02:59:59Z', true, 'Mon 11:59:59'],
      ['2026-03-02T03:00:00Z', false, 'Mon 12:00, lunch'],
      ['2026-03-02T04:00:00Z', true, 'Mon 13:00'],
      ['2026-03-02T08:59:00Z', true, 'Mon 17:59'],
      ['2026-03-02T09:00:00Z', false, 'Mon 18:00'],
      ['2026-03-06T08:00:00Z', true, 'Fri 17:00'],
      ['2026-03-07T01:00:00Z', true, 'Sat 10:00'],
      ['2026-03-07T05:00:00Z', false, 'Sat 14:00'],
      ['2026-03-08T02:00:00Z', false, 'Sun 11:00'],
      ['2026-12-24T02:00:00Z', true, 'Thu 2026-12-24 11:00'],
      ['2026-12-25T02:00:00Z', false, 'Fri 2026-12-25 11:00, holiday'],
      ['2026-12-28T02:00:00Z', true, 'Mon 2026-12-28 11:00'],
    ]),
    [],
  )
  t.equal(iso(nextChange(s, at('2026-03-01T12:00:00Z'))), '2026-03-02T00:00:00.000Z', 'Sun 21:00 → Mon 09:00')
  t.equal(iso(nextChange(s, at('2026-03-02T00:00:00Z'))), '2026-03-02T03:00:00.000Z', 'Mon 09:00 → 12:00')
  t.equal(iso(nextChange(s, at('2026-03-07T05:00:00Z'))), '2026-03-09T00:00:00.000Z', 'Sat 14:00 → Mon 09:00')
  t.equal(iso(nextChange(s, at('2026-12-24T09:00:00Z'))), '2026-12-26T01:00:00.000Z', 'over the holiday to Sat 10:00')
})

/** `mon-fri 09:00-17:00` around a DST change: rows are [UTC instant of local 09:00, of 08:59, of 16:59, of 17:00]. */
const DST_CASES: [zone: string, change: string, days: [label: string, nine: string, offsetHours: number][]][] = [
  [
    'America/New_York',
    'spring forward 2026-03-08',
    [
      ['Fri 2026-03-06 EST', '2026-03-06T14:00:00Z', -5],
      ['Mon 2026-03-09 EDT', '2026-03-09T13:00:00Z', -4],
    ],
  ],
  [
    'America/New_York',
    'fall back 2026-11-01',
    [
      ['Fri 2026-10-30 EDT', '2026-10-30T13:00:00Z', -4],
      ['Mon 2026-11-02 EST', '2026-11-02T14:00:00Z', -5],
    ],
  ],
  [
    'Europe/Berlin',
    'spring forward 2026-03-29',
    [
      ['Fri 2026-03-27 CET', '2026-03-27T08:00:00Z', 1],
      ['Mon 2026-03-30 CEST', '2026-03-30T07:00:00Z', 2],
    ],
  ],
  [
    'Europe/Berlin',
    'fall back 2026-10-25',
    [
      ['Fri 2026-10-23 CEST', '2026-10-23T07:00:00Z', 2],
      ['Mon 2026-10-26 CET', '2026-10-26T08:00:00Z', 1],
    ],
  ],
]

t.test('mon-fri 09:00-17:00 on both sides of DST changes', async (t) => {
  for (const [zone, change, days] of DST_CASES) {
    const s = schedule(zone, { 'mon-fri': ['09:00-17:00'] })
    for (const [label, nine, offset] of days) {
      const open = at(nine)
      t.equal(new Date(open + offset * 3_600_000).getUTCHours(), 9, `${label}: the test's own arithmetic`)
      t.same(
        wrong(s, [
          [nine, true, `${zone} ${change}: ${label} 09:00`],
          [iso(open - 60_000)!, false, `${zone} ${change}: ${label} 08:59`],
          [iso(open + 8 * 3_600_000 - 60_000)!, true, `${zone} ${change}: ${label} 16:59`],
          [iso(open + 8 * 3_600_000)!, false, `${zone} ${change}: ${label} 17:00`],
        ]),
        [],
      )
      t.equal(nextChange(s, open - 3_600_000), open, `${zone} ${label}: next change from 08:00 is 09:00`)
      t.equal(nextChange(s, open), open + 8 * 3_600_000, `${zone} ${label}: next change from 09:00 is 17:00`)
    }
  }
  // From Friday 17:00 over the weekend of the change to Monday 09:00.
  const ny = schedule('America/New_York', { 'mon-fri': ['09:00-17:00'] })
  t.equal(iso(nextChange(ny, at('2026-03-06T22:00:00Z'))), '2026-03-09T13:00:00.000Z')
  t.equal(iso(nextChange(ny, at('2026-10-30T21:00:00Z'))), '2026-11-02T14:00:00.000Z')
})

t.test('the skipped hour of a spring-forward day', async (t) => {
  // America/New_York, Sun 2026-03-08: 01:59:59 EST (06:59:59Z) is followed by 03:00 EDT (07:00Z).
  const inside = schedule('America/New_York', { sun: ['02:00-03:00'] })
  t.same(
    wrong(inside, [
      ['2026-03-01T07:30:00Z', true, 'Sun 2026-03-01 02:30 EST, an ordinary Sunday'],
      ['2026-03-08T06:59:00Z', false, 'Sun 2026-03-08 01:59 EST'],
      ['2026-03-08T07:00:00Z', false, 'Sun 2026-03-08 03:00 EDT'],
    ]),
    [],
  )
  t.equal(
    iso(nextChange(inside, at('2026-03-02T00:00:00Z'))),
    '2026-03-15T06:00:00.000Z',
    'a range wholly inside the skipped hour never opens that day: next is Sun 2026-03-15 02:00 EDT',
  )

  const into = schedule('America/New_York', { sun: ['01:30-02:30'] })
  t.same(
    wrong(into, [
      ['2026-03-08T06:30:00Z', true, '01:30 EST'],
      ['2026-03-08T06:59:59Z', true, '01:59:59 EST'],
      ['2026-03-08T07:00:00Z', false, '03:00 EDT, after the end 02:30'],
    ]),
    [],
  )
  t.equal(iso(nextChange(into, at('2026-03-08T06:30:00Z'))), '2026-03-08T07:00:00.000Z', 'closes at the jump')

  const outOf = schedule('America/New_York', { sun: ['02:30-04:00'] })
  t.same(
    wrong(outOf, [
      ['2026-03-08T06:59:00Z', false, '01:59 EST'],
      ['2026-03-08T07:00:00Z', true, '03:00 EDT, inside 02:30-04:00'],
      ['2026-03-08T07:59:00Z', true, '03:59 EDT'],
      ['2026-03-08T08:00:00Z', false, '04:00 EDT'],
    ]),
    [],
  )
  t.equal(iso(nextChange(outOf, at('2026-03-08T05:00:00Z'))), '2026-03-08T07:00:00.000Z', 'opens at the jump')
  t.equal(iso(nextChange(outOf, at('2026-03-08T07:00:00Z'))), '2026-03-08T08:00:00.000Z')

  // Europe/Berlin, Sun 2026-03-29: 01:59:59 CET (00:59:59Z) is followed by 03:00 CEST (01:00Z).
  const berlin = schedule('Europe/Berlin', { sun: ['00:00-02:30'] })
  t.same(
    wrong(berlin, [
      ['2026-03-29T00:59:00Z', true, '01:59 CET'],
      ['2026-03-29T01:00:00Z', false, '03:00 CEST'],
    ]),
    [],
  )
  t.equal(iso(nextChange(berlin, at('2026-03-29T00:00:00Z'))), '2026-03-29T01:00:00.000Z')
})

t.test('the repeated hour of a fall-back day happens twice', async (t) => {
  // America/New_York, Sun 2026-11-01: 01:00-02:00 is EDT from 05:00Z, then EST again from 06:00Z.
  const s = schedule('America/New_York', { sun: ['01:00-01:30'] })
  t.same(
    wrong(s, [
      ['2026-11-01T04:59:00Z', false, '00:59 EDT'],
      ['2026-11-01T05:00:00Z', true, '01:00 EDT'],
      ['2026-11-01T05:30:00Z', false, '01:30 EDT'],
      ['2026-11-01T06:00:00Z', true, '01:00 EST'],
      ['2026-11-01T06:29:00Z', true, '01:29 EST'],
      ['2026-11-01T06:30:00Z', false, '01:30 EST'],
    ]),
    [],
  )
  const changes: (string | undefined)[] = []
  for (let c: number | undefined = at('2026-11-01T00:00:00Z'), i = 0; c !== undefined && i < 5; i++) {
    c = nextChange(s, c)
    changes.push(iso(c))
  }
  t.same(changes, [
    '2026-11-01T05:00:00.000Z',
    '2026-11-01T05:30:00.000Z',
    '2026-11-01T06:00:00.000Z',
    '2026-11-01T06:30:00.000Z',
    '2026-11-08T06:00:00.000Z',
  ])
})

t.test('holidays are local dates', async (t) => {
  const s = schedule('Asia/Seoul', { 'mon-sun': ['00:00-24:00'] }, ['2026-12-25'])
  t.same(
    wrong(s, [
      ['2026-12-24T14:59:00Z', true, 'Thu 2026-12-24 23:59'],
      ['2026-12-24T15:00:00Z', false, 'Fri 2026-12-25 00:00'],
      ['2026-12-25T14:59:59Z', false, 'Fri 2026-12-25 23:59:59'],
      ['2026-12-25T15:00:00Z', true, 'Sat 2026-12-26 00:00'],
    ]),
    [],
  )
  t.equal(iso(nextChange(s, at('2026-12-24T00:00:00Z'))), '2026-12-24T15:00:00.000Z')
  t.equal(iso(nextChange(s, at('2026-12-24T15:00:00Z'))), '2026-12-25T15:00:00.000Z')
  t.equal(nextChange(s, at('2026-12-25T15:00:00Z')), undefined, 'open all the next 14 days')
})

t.test('24:00, overnight ranges and range boundaries', async (t) => {
  const s = schedule('UTC', { fri: ['20:00-24:00'], sat: ['00:00-01:00', '22:00-02:00'] })
  t.same(
    wrong(s, [
      ['2026-03-06T19:59:59Z', false, 'Fri 19:59:59'],
      ['2026-03-06T20:00:00Z', true, 'Fri 20:00, start inclusive'],
      ['2026-03-06T23:59:59Z', true, 'Fri 23:59:59'],
      ['2026-03-07T00:00:00Z', true, 'Sat 00:00'],
      ['2026-03-07T01:00:00Z', false, 'Sat 01:00, end exclusive'],
      ['2026-03-07T22:00:00Z', true, 'Sat 22:00'],
      ['2026-03-08T01:59:00Z', true, 'Sun 01:59, overnight from Saturday over the week end'],
      ['2026-03-08T02:00:00Z', false, 'Sun 02:00'],
    ]),
    [],
  )
  t.equal(iso(nextChange(s, at('2026-03-06T20:00:00Z'))), '2026-03-07T01:00:00.000Z', 'no change at midnight')
  t.equal(iso(nextChange(s, at('2026-03-07T22:00:00Z'))), '2026-03-08T02:00:00.000Z')
  t.equal(iso(nextChange(s, at('2026-03-06T19:59:59.500Z'))), '2026-03-06T20:00:00.000Z', 'from mid-second')

  const empty = schedule('UTC', { mon: ['09:00-09:00'] })
  t.notOk(isOpen(empty, at('2026-03-02T09:00:00Z')), 'a range starting where it ends is empty')
  t.equal(nextChange(empty, at('2026-03-01T00:00:00Z')), undefined)
})

t.test('day specs', async (t) => {
  const monday = at('2026-03-02T12:00:00Z')
  const dayAt = (i: number) => monday + i * 86_400_000
  const openDays = (weekly: Schedule['weekly']) =>
    [0, 1, 2, 3, 4, 5, 6].filter((i) => isOpen(schedule('UTC', weekly), dayAt(i)))
  const allDay = ['00:00-24:00']
  // 0 = Monday … 6 = Sunday
  t.same(openDays({ mon: allDay }), [0])
  t.same(openDays({ 'mon-fri': allDay }), [0, 1, 2, 3, 4])
  t.same(openDays({ 'sat,sun': allDay }), [5, 6])
  t.same(openDays({ 'fri-mon': allDay }), [0, 4, 5, 6], 'a range wraps over the week end')
  t.same(openDays({ 'sun-sun': allDay }), [6])
  t.same(openDays({ 'mon,wed-thu,sat': allDay }), [0, 2, 3, 5])
  t.same(openDays({ 'mon-tue': ['09:00-13:00'], tue: allDay }), [0, 1], 'overlapping specs add up')
  t.same(openDays({}), [])
})

t.test('invalid input', async (t) => {
  t.ok(isValidTimezone('Asia/Seoul'))
  t.ok(isValidTimezone('UTC'))
  t.notOk(isValidTimezone('Mars/Olympus'))
  t.notOk(isValidTimezone('local'))
  t.notOk(isValidTimezone(''))
  t.throws(() => isOpen(schedule('Mars/Olympus', {}), 0), { name: 'RangeError', message: /Mars\/Olympus/ })
  t.throws(() => isOpen(schedule('UTC', {}), NaN), RangeError)
  t.throws(() => nextChange(schedule('UTC', {}), Infinity), RangeError)
})

t.test('the weekly map is parsed once per schedule object', async (t) => {
  let reads = 0
  const counted = (): Schedule => ({
    ...schedule('Asia/Seoul', {}),
    get weekly() {
      reads++
      return { 'mon-fri': ['09:00-17:00'] }
    },
  })
  const s = counted()
  for (let i = 0; i < 100; i++) isOpen(s, at('2026-03-02T00:00:00Z') + i * 60_000)
  nextChange(s, 0)
  t.equal(reads, 1)
  isOpen(counted(), 0)
  t.equal(reads, 2, 'another object is another schedule')
})

t.test('nextChange agrees with isOpen on a 30-minute grid (property)', async (t) => {
  const time = fc.integer({ min: 0, max: 48 }).map((h) => {
    const m = h * 30
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  })
  const range = fc.tuple(time, time).map(([a, b]) => `${a === '24:00' ? '23:30' : a}-${b === '00:00' ? '24:00' : b}`)
  const spec = fc.constantFrom('mon', 'sun', 'mon-fri', 'sat,sun', 'fri-mon', 'tue,thu')
  const weekly = fc.dictionary(spec, fc.array(range, { maxLength: 3 }), { maxKeys: 3 })
  const zone = fc.constantFrom('America/New_York', 'Europe/Berlin', 'Asia/Seoul')
  // Starts near the 2026 DST changes, on the 30-minute grid plus an odd offset.
  const start = fc
    .tuple(fc.constantFrom('2026-03-05', '2026-03-26', '2026-10-22', '2026-10-29'), fc.integer({ min: 0, max: 8 * 48 }))
    .map(([day, half]) => at(`${day}T00:00:00Z`) + half * 1_800_000 + 7_000)
  const holidays = fc.subarray(['2026-03-08', '2026-03-29', '2026-10-25', '2026-11-01', '2026-11-02'])
  fc.assert(
    fc.property(zone, weekly, holidays, start, (tz, w, h, from) => {
      const s = schedule(tz, w, h)
      const initial = isOpen(s, from)
      const change = nextChange(s, from)
      const end = change ?? from + 14 * 86_400_000
      for (let g = Math.ceil(from / 1_800_000) * 1_800_000; g < end; g += 1_800_000)
        if (isOpen(s, g) !== initial) return false
      return change === undefined || (isOpen(s, change) !== initial && isOpen(s, change - 1) === initial)
    }),
    { numRuns: 80, seed: 20260308 },
  )
  t.pass('nextChange is the first grid point where isOpen flips')
})

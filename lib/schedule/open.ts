/**
 * Whether a schedule is open at an instant, and when that next changes.
 *
 * The local wall-clock time in the schedule's timezone decides. `weekly` maps day specs (`mon`,
 * `mon-fri`, `sat,sun`, `fri-mon` wrapping over the week end) to `HH:MM-HH:MM` ranges, start
 * inclusive and end exclusive (`24:00` ends at midnight). A range whose end is not after its start
 * runs past midnight into the next day (`22:00-02:00`); one that starts and ends at the same time is
 * empty. A holiday (`YYYY-MM-DD`, local date) is closed from 00:00 to 24:00 of that date.
 *
 * Across DST changes wall-clock times are simply what local clocks show: on a spring-forward day
 * the skipped hour never happens, so a range inside it never opens and a range reaching into it
 * opens or closes at the jump (US: `02:30-04:00` opens at 03:00 EDT); on a fall-back day the
 * repeated hour happens twice, and so does a range inside it.
 */
import { IANAZone } from 'luxon'
import type { Schedule } from '../workflow/schema.js'

const MINUTE = 60_000
const DAY_MINUTES = 1440
const DAY = DAY_MINUTES * MINUTE
/** How far ahead nextChange looks. */
const HORIZON = 14 * DAY
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const

type Parsed = {
  zone: IANAZone
  /** One byte per minute of the week from Sunday 00:00: 1 when open. */
  open: Uint8Array
  /** Per weekday (0 = Sunday), the minutes of the day at which the state may change, ascending. */
  boundaries: number[][]
  /** Local dates as days since 1970-01-01. */
  holidays: Set<number>
  /**
   * The zone's offset for one whole second (UTC offsets change on whole seconds): luxon asks Intl for it, which
   * costs more than the rest of a call's hours branch, and calls arriving in the same second share it.
   */
  offsetSecond: number
  offsetMs: number
}

/** Schedules are immutable once loaded; each is parsed on first use. */
const cache = new WeakMap<Schedule, Parsed>()

/** A timezone name schedules accept: an IANA zone such as `Asia/Seoul`, or `UTC`. */
export function isValidTimezone(zone: string): boolean {
  return IANAZone.isValidZone(zone)
}

export function isOpen(schedule: Schedule, at: number): boolean {
  return openAt(parsed(schedule), checkInstant(at))
}

/** The first instant after `at`, at most 14 days later, at which the schedule opens or closes. */
export function nextChange(schedule: Schedule, at: number): number | undefined {
  const p = parsed(schedule)
  const initial = openAt(p, checkInstant(at))
  const limit = at + HORIZON
  let t = at
  while (t < limit) {
    const offset = p.zone.offset(t) * MINUTE
    const local = t + offset
    let next = t + (nextBoundary(p, local) - local)
    // Past a UTC-offset change the wall clock jumps, so the walk resumes from the change itself.
    if (p.zone.offset(next) * MINUTE !== offset) next = offsetChange(p.zone, t, next)
    if (next > limit) return undefined
    if (openAt(p, next) !== initial) return next
    t = next
  }
  return undefined
}

function checkInstant(at: number): number {
  if (!Number.isFinite(at)) throw new RangeError(`not an instant: ${at}`)
  return at
}

function offsetAt(p: Parsed, t: number): number {
  const second = Math.floor(t / 1000)
  if (p.offsetSecond !== second) {
    p.offsetMs = p.zone.offset(t) * MINUTE
    p.offsetSecond = second
  }
  return p.offsetMs
}

function openAt(p: Parsed, t: number): boolean {
  const local = t + offsetAt(p, t)
  const day = Math.floor(local / DAY)
  if (p.holidays.has(day)) return false
  const minute = Math.floor((local - day * DAY) / MINUTE)
  return p.open[weekday(day) * DAY_MINUTES + minute] === 1
}

/** The local wall time (as ms since the epoch in UTC) of the next boundary strictly after `local`. */
function nextBoundary(p: Parsed, local: number): number {
  const day = Math.floor(local / DAY)
  const minute = Math.floor((local - day * DAY) / MINUTE)
  const b = p.boundaries[weekday(day)]?.find((m) => m > minute)
  return b === undefined ? (day + 1) * DAY : day * DAY + b * MINUTE
}

/** The first instant in (from, to] whose UTC offset differs from that at `from`. */
function offsetChange(zone: IANAZone, from: number, to: number): number {
  const before = zone.offset(from)
  let lo = from
  let hi = to
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (zone.offset(mid) === before) lo = mid
    else hi = mid
  }
  return hi
}

/** Day 0, 1970-01-01, was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7
}

function parsed(schedule: Schedule): Parsed {
  let p = cache.get(schedule)
  if (p === undefined) {
    p = parse(schedule)
    cache.set(schedule, p)
  }
  return p
}

function parse(schedule: Schedule): Parsed {
  if (!isValidTimezone(schedule.timezone))
    throw new RangeError(`schedule ${schedule.name}: unknown timezone "${schedule.timezone}"`)
  const open = new Uint8Array(7 * DAY_MINUTES)
  for (const [spec, ranges] of Object.entries(schedule.weekly))
    for (const day of days(spec))
      for (const range of ranges) {
        const [start, end] = range.split('-').map(minutes) as [number, number]
        // A range not ending after its start runs on into the next day.
        const stop = end > start ? end : start === end ? start : end + DAY_MINUTES
        for (let m = start; m < stop; m++) open[(day * DAY_MINUTES + m) % open.length] = 1
      }
  const boundaries = WEEKDAYS.map((_, day) => {
    const list: number[] = []
    for (let m = 1; m < DAY_MINUTES; m++) {
      const i = day * DAY_MINUTES + m
      if (open[i] !== open[i - 1]) list.push(m)
    }
    return list
  })
  const holidays = new Set(schedule.holidays.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY))
  return { zone: IANAZone.create(schedule.timezone), open, boundaries, holidays, offsetSecond: NaN, offsetMs: 0 }
}

/** `HH:MM` as minutes since midnight. */
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return h * 60 + m
}

/** The weekdays (0 = Sunday) of a spec such as `mon`, `mon-fri`, `sat,sun` or `fri-mon`. */
function days(spec: string): number[] {
  const result: number[] = []
  for (const part of spec.split(',')) {
    const [first, last = first] = part.split('-').map(weekdayIndex) as [number, number?]
    for (let d = first; ; d = (d + 1) % 7) {
      result.push(d)
      if (d === last) break
    }
  }
  return result
}

function weekdayIndex(name: string): number {
  const i = WEEKDAYS.indexOf(name as (typeof WEEKDAYS)[number])
  if (i < 0) throw new RangeError(`not a weekday: "${name}"`)
  return i
}

/**
 * How a placeholder's value is written for a caller to hear (`{{data.crm.time | time}}`), in Korean or English.
 * The output is words a TTS engine reads naturally, not digits it may read as one long number: Korean hours are
 * native numbers (일곱 시), minutes, days and amounts Sino-Korean (삼십 분, 팔 일, 사만 오천 원); phone and
 * reservation numbers one digit at a time (공 일 공). A value a format cannot read is left as it is.
 */
import { DateTime } from 'luxon'

export const FORMATS = ['date', 'time', 'digits', 'number', 'currency'] as const
export type FormatName = (typeof FORMATS)[number]
export type Language = 'ko' | 'en'
export type Format = { name: FormatName; lang?: Language }

const KO_DIGITS = ['영', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구']
/** Reading a phone or reservation number, 0 is 공. */
const KO_PHONE_DIGITS = ['공', ...KO_DIGITS.slice(1)]
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
const KO_SMALL_UNITS = ['', '십', '백', '천']
const KO_BIG_UNITS = ['', '만', '억', '조']
/** Native Korean hour words, 1 to 12 (hours are counted, not numbered). */
const KO_HOURS = ['', '한', '두', '세', '네', '다섯', '여섯', '일곱', '여덟', '아홉', '열', '열한', '열두']
const KO_WEEKDAYS = ['', '월요일', '화요일', '수요일', '목요일', '금요일', '토요일', '일요일']

/** A whole number below 10^16 in Sino-Korean words: 45000 → 사만 오천, 1 → 일, 10 → 십. */
export function koreanNumber(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n)
  if (n < 0) return `마이너스 ${koreanNumber(-n)}`
  if (n === 0) return KO_DIGITS[0]!
  const groups: string[] = []
  for (let big = 0, rest = n; rest > 0; big++, rest = Math.floor(rest / 10_000)) {
    const group = rest % 10_000
    if (group === 0) continue
    let words = ''
    for (let i = 3; i >= 0; i--) {
      const d = Math.floor(group / 10 ** i) % 10
      if (d === 0) continue
      // 1 before 십, 백, 천 is silent (십, not 일십), and so is a lone 1 before 만 (만, not 일만).
      words += (d === 1 && (i > 0 || (big === 1 && group === 1)) ? '' : KO_DIGITS[d]!) + KO_SMALL_UNITS[i]!
    }
    groups.unshift(words + KO_BIG_UNITS[big])
  }
  return groups.join(' ')
}

function parseNumber(value: string): number | undefined {
  const text = value.trim().replace(/,/g, '')
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

function number(value: string, lang: Language): string {
  const n = parseNumber(value)
  if (n === undefined || Math.abs(n) >= 1e15) return value
  if (lang === 'en') return n.toLocaleString('en-US', { maximumFractionDigits: 6 })
  const [whole, fraction] = value.trim().replace(/,/g, '').replace(/^-/, '').split('.')
  const sign = n < 0 ? '마이너스 ' : ''
  const words = koreanNumber(Number(whole))
  // Digits after the point are read one by one: 3.14 → 삼 점 일사.
  return `${sign}${words}${fraction ? ` 점 ${[...fraction].map((d) => KO_DIGITS[Number(d)]).join('')}` : ''}`
}

function currency(value: string, lang: Language): string {
  const n = parseNumber(value)
  if (n === undefined || Math.abs(n) >= 1e15) return value
  const won = Math.round(n)
  return lang === 'en' ? `${won.toLocaleString('en-US')} won` : `${koreanNumber(won)} 원`
}

/** One digit at a time, groups (split at dashes and blanks) apart: 010-1234 → 공 일 공, 일 이 삼 사. */
function digits(value: string, lang: Language): string {
  const groups = value
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((g) =>
      [...g].map((c) => (/\d/.test(c) ? (lang === 'en' ? EN_DIGITS : KO_PHONE_DIGITS)[Number(c)] : c)).join(' '),
    )
  return groups.length ? groups.join(', ') : value
}

/** An ISO date or date-time (its own offset kept, not converted), or a time of day `HH:MM[:SS]`. */
function parseWhen(value: string): DateTime | undefined {
  const text = value.trim()
  if (/^\d{1,2}:\d{2}(:\d{2})?$/.test(text)) {
    const t = DateTime.fromISO(text.padStart(text.indexOf(':') === 1 ? text.length + 1 : text.length, '0'), {
      zone: 'UTC',
    })
    return t.isValid ? t : undefined
  }
  const d = DateTime.fromISO(text, { setZone: true })
  return d.isValid ? d : undefined
}

function time(value: string, lang: Language): string {
  const t = parseWhen(value)
  if (!t || !/\d:\d{2}/.test(value)) return value
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12
  if (lang === 'en')
    return `${h12}${t.minute ? `:${String(t.minute).padStart(2, '0')}` : ''} ${t.hour < 12 ? 'AM' : 'PM'}`
  return `${t.hour < 12 ? '오전' : '오후'} ${KO_HOURS[h12]} 시${t.minute ? ` ${koreanNumber(t.minute)} 분` : ''}`
}

const ORDINAL = (n: number) =>
  `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`

function date(value: string, lang: Language, now: number | undefined): string {
  const d = parseWhen(value)
  if (!d || !/^\s*\d{4}-\d{2}-\d{2}/.test(value)) return value
  const thisYear = now === undefined ? undefined : DateTime.fromMillis(now, { zone: d.zone }).year
  const withYear = thisYear !== undefined && thisYear !== d.year
  if (lang === 'en') {
    const month = d.setLocale('en-US').toFormat('cccc, LLLL')
    return `${month} ${ORDINAL(d.day)}${withYear ? `, ${d.year}` : ''}`
  }
  // 유월 and 시월 drop the final consonant of 육 and 십.
  const month = d.month === 6 ? '유월' : d.month === 10 ? '시월' : `${koreanNumber(d.month)}월`
  const year = withYear ? `${koreanNumber(d.year)} 년 ` : ''
  return `${year}${month} ${koreanNumber(d.day)} 일 ${KO_WEEKDAYS[d.weekday]}`
}

/** `now` (ms) decides whether a date says its year: only when it is not this year. */
export function formatValue(value: string, format: Format, fallback: Language, now?: number): string {
  const lang = format.lang ?? fallback
  switch (format.name) {
    case 'date':
      return date(value, lang, now)
    case 'time':
      return time(value, lang)
    case 'digits':
      return digits(value, lang)
    case 'number':
      return number(value, lang)
    case 'currency':
      return currency(value, lang)
  }
}

/** The language of a TTS voice: English for `en…` voices, else Korean. */
export function languageOf(voice: string | undefined): Language {
  return voice !== undefined && /^en/i.test(voice) ? 'en' : 'ko'
}

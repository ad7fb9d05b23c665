/** The formats of placeholders, in Korean and English, as a caller hears them. */
import t from 'tap'
import { formatValue, koreanNumber, languageOf } from '../../lib/workflow/formats.js'

const now = Date.parse('2026-12-07T10:00:00+09:00')
const ko = (value: string, name: Parameters<typeof formatValue>[1]['name']) => formatValue(value, { name }, 'ko', now)
const en = (value: string, name: Parameters<typeof formatValue>[1]['name']) => formatValue(value, { name }, 'en', now)

t.test('Sino-Korean numbers', async (t) => {
  const cases: [number, string][] = [
    [0, '영'],
    [1, '일'],
    [10, '십'],
    [11, '십일'],
    [110, '백십'],
    [1234, '천이백삼십사'],
    [10000, '만'],
    [10001, '만 일'],
    [45000, '사만 오천'],
    [100000000, '일억'],
    [123456789, '일억 이천삼백사십오만 육천칠백팔십구'],
    [-3, '마이너스 삼'],
  ]
  for (const [n, words] of cases) t.equal(koreanNumber(n), words, String(n))
})

t.test('date: month, day and weekday; the year only when it is not this year', async (t) => {
  t.equal(ko('2026-12-08', 'date'), '십이월 팔 일 화요일')
  t.equal(en('2026-12-08', 'date'), 'Tuesday, December 8th')
  t.equal(ko('2026-06-10T19:30:00+09:00', 'date'), '유월 십 일 수요일')
  t.equal(ko('2026-10-01', 'date'), '시월 일 일 목요일')
  t.equal(ko('2027-01-02', 'date'), '이천이십칠 년 일월 이 일 토요일')
  t.equal(en('2027-01-02', 'date'), 'Saturday, January 2nd, 2027')
  t.equal(en('2026-12-11', 'date'), 'Friday, December 11th')
  t.equal(ko('next tuesday', 'date'), 'next tuesday', 'left as it is when not a date')
})

t.test('time: native Korean hours, Sino-Korean minutes; the offset written is kept', async (t) => {
  t.equal(ko('19:00', 'time'), '오후 일곱 시')
  t.equal(en('19:00', 'time'), '7 PM')
  t.equal(ko('2026-12-08T19:30:00+09:00', 'time'), '오후 일곱 시 삼십 분')
  t.equal(en('2026-12-08T19:30:00+09:00', 'time'), '7:30 PM')
  t.equal(ko('9:15', 'time'), '오전 아홉 시 십오 분')
  t.equal(ko('00:05', 'time'), '오전 열두 시 오 분')
  t.equal(en('12:00', 'time'), '12 PM')
  t.equal(ko('2026-12-08', 'time'), '2026-12-08', 'a date alone has no time')
})

t.test('digits one at a time (0 is 공 in Korean), groups apart', async (t) => {
  t.equal(ko('010-1234-5678', 'digits'), '공 일 공, 일 이 삼 사, 오 육 칠 팔')
  t.equal(en('A1023', 'digits'), 'A one zero two three')
})

t.test('number and currency (won)', async (t) => {
  t.equal(ko('1234.5', 'number'), '천이백삼십사 점 오')
  t.equal(en('1234.5', 'number'), '1,234.5')
  t.equal(ko('45000', 'currency'), '사만 오천 원')
  t.equal(en('45000', 'currency'), '45,000 won')
  t.equal(ko('1,200', 'currency'), '천이백 원')
  t.equal(ko('lots', 'number'), 'lots')
  t.equal(formatValue('45000', { name: 'currency', lang: 'en' }, 'ko'), '45,000 won', 'the format names its language')
})

t.test('a voice decides the language', async (t) => {
  t.same([languageOf('en-us'), languageOf('ko'), languageOf(undefined)], ['en', 'ko', 'ko'])
})

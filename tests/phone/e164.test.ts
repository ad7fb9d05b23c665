import t from 'tap'
import { isValidRegion, prefixToE164, toE164 } from '../../lib/phone/e164.js'

type Row = [raw: string, expected: string | undefined]

const KR: Row[] = [
  // Mobile 010, in every form it is written or delivered.
  ['010-1234-5678', '+821012345678'],
  ['01012345678', '+821012345678'],
  ['010 1234 5678', '+821012345678'],
  ['010.1234.5678', '+821012345678'],
  ['  010-1234-5678  ', '+821012345678'],
  ['+82 10 1234 5678', '+821012345678'],
  ['+821012345678', '+821012345678'],
  ['+82 (0)10 1234 5678', '+821012345678'],
  ['+82 010 1234 5678', '+821012345678'],
  ['tel:+821012345678', '+821012345678'],
  ['TEL:010-1234-5678', '+821012345678'],
  ['001 82 10 1234 5678', '+821012345678'],
  // An old 10-digit mobile number.
  ['011-234-5678', '+82112345678'],
  // 070 VoIP.
  ['070-1234-5678', '+827012345678'],
  ['07012345678', '+827012345678'],
  // Seoul 02 and another area code.
  ['(02) 123-4567', '+8221234567'],
  ['02-1234-5678', '+82212345678'],
  ['051-123-4567', '+82511234567'],
  // 1588 nationwide numbers: 8 digits, no trunk prefix.
  ['1588-1234', '+8215881234'],
  ['15881234', '+8215881234'],
  // Another country's number written internationally.
  ['+1 212 555 1234', '+12125551234'],
  ['+49 30 1234567', '+49301234567'],
  // Too short for any pattern: the trunk prefix 0 could not be read off.
  ['070-12', undefined],
  ['02-123', undefined],
  // The country code without "+" is not guessed.
  ['82 10 1234 5678', undefined],
  ['821012345678', undefined],
  ['82 010 1234 5678', undefined],
  // Garbage.
  ['', undefined],
  ['   ', undefined],
  ['anonymous', undefined],
  ['Anonymous', undefined],
  ['unknown', undefined],
  ['abc010', undefined],
  ['010x1234', undefined],
  ['010-1234-5678 ext. 12', undefined],
  ['sip:+821012345678@pbx.example.com', undefined],
  ['tel:+821012345678;phone-context=example.com', undefined],
  ['*21#', undefined],
  ['010-1234-5678#', undefined],
  ['+', undefined],
  ['+0', undefined],
  ['++821012345678', undefined],
  ['010+1234', undefined],
  ['112', undefined],
  ['1588', undefined],
  ['12', undefined],
  ['0101234567890123', undefined],
  ['+8210123456789012', undefined],
  ['+999 1234 5678', undefined],
  ['010\n1234', undefined],
  ['010${1234}', undefined],
  ['０１０１２３４５６７８', undefined],
  ['1'.repeat(10_000), undefined],
]

const US: Row[] = [
  ['(212) 555-1234', '+12125551234'],
  ['212-555-1234', '+12125551234'],
  ['2125551234', '+12125551234'],
  // "1" is the US trunk prefix as well as its country code.
  ['1 212 555 1234', '+12125551234'],
  ['1-800-555-0100', '+18005550100'],
  ['+1 212 555 1234', '+12125551234'],
  ['011 82 10 1234 5678', '+821012345678'],
  ['555-1234', undefined],
  ['212-555-12345', undefined],
  ['anonymous', undefined],
]

const DE: Row[] = [
  ['030 123456', '+4930123456'],
  ['030/1234567', '+49301234567'],
  ['0151 12345678', '+4915112345678'],
  ['+49 151 12345678', '+4915112345678'],
  ['0049 30 1234567', '+49301234567'],
  ['49 30 1234567', undefined],
  ['0', undefined],
  ['Berlin', undefined],
]

for (const [region, rows] of [
  ['KR', KR],
  ['US', US],
  ['DE', DE],
] as const) {
  t.test(`toE164 ${region}`, async (t) => {
    for (const [raw, expected] of rows) t.equal(toE164(raw, region), expected, JSON.stringify(raw.slice(0, 40)))
  })
}

t.test('toE164 accepts a number of possible length that the metadata does not list as assigned', async (t) => {
  // isValid() is false for all of these; an unassigned number costs nothing, a rejected real one would.
  t.equal(toE164('069-123-4567', 'KR'), '+82691234567', 'no 069 area code (yet)')
  t.equal(toE164('0130-123-4567', 'KR'), '+821301234567')
  t.equal(toE164('(555) 555-1234', 'US'), '+15555551234', 'fictional 555 area code')
})

t.test('toE164 region', async (t) => {
  t.equal(toE164('010-1234-5678', 'kr'), '+821012345678', 'any case')
  t.throws(() => toE164('010-1234-5678', 'XX'), RangeError)
  t.throws(() => toE164('+821012345678', 'Korea'), RangeError)
})

t.test('prefixToE164', async (t) => {
  const rows: [string, string, string][] = [
    ['010', 'KR', '+8210'],
    ['+8210', 'KR', '+8210'],
    ['+82 10', 'KR', '+8210'],
    ['02', 'KR', '+822'],
    ['070', 'KR', '+8270'],
    ['1588', 'KR', '+821588'],
    ['0', 'KR', '+82'],
    // Without "+" digits are national: the country code is not recognised.
    ['8210', 'KR', '+828210'],
    ['+1', 'KR', '+1'],
    ['212', 'US', '+1212'],
    ['1212', 'US', '+1212'],
    ['1-800', 'US', '+1800'],
    ['030', 'DE', '+4930'],
    ['0151', 'DE', '+49151'],
    ['+49', 'US', '+49'],
    // Not a number prefix: returned as given, so it never matches a number.
    ['abc', 'KR', 'abc'],
    ['010${x}', 'KR', '010${x}'],
    ['', 'KR', ''],
  ]
  for (const [prefix, region, expected] of rows) t.equal(prefixToE164(prefix, region), expected, `${prefix} ${region}`)
  t.throws(() => prefixToE164('010', 'ZZ'), RangeError)
})

t.test('a prefix and the numbers it is written for agree', async (t) => {
  for (const [prefix, raw, region] of [
    ['010', '010-1234-5678', 'KR'],
    ['02', '(02) 123-4567', 'KR'],
    ['212', '1 (212) 555-1234', 'US'],
    ['0151', '0151 12345678', 'DE'],
  ] as const) {
    const number = toE164(raw, region)
    t.ok(number?.startsWith(prefixToE164(prefix, region)), `${raw} starts with ${prefix}`)
  }
  t.notOk(toE164('070-1234-5678', 'KR')?.startsWith(prefixToE164('010', 'KR')))
})

t.test('isValidRegion', async (t) => {
  for (const code of ['KR', 'US', 'DE', 'kr', 'Gb']) t.ok(isValidRegion(code), code)
  for (const code of ['', 'XX', 'ZZ', 'KOR', '82', 'K', 'K1', '001', 'constructor', '__proto__'])
    t.notOk(isValidRegion(code), code)
})

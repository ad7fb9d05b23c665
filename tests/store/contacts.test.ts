import t from 'tap'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findContact, importContacts, listContacts } from '../../lib/store/contacts.js'
import { readCsv } from '../../lib/store/csv.js'
import { dbKind, testStore } from '../helpers/db.js'

t.test('readCsv: quotes, line breaks of every kind, start lines, recovery after a bad record', async (t) => {
  const text = '\uFEFFa,b\r\n"x, ""y""","two\nlines"\n\nplain,"q"junk\nc,d\re,\n"open,\nnever closed'
  t.same(readCsv(text), {
    records: [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'two\nlines'] },
      { line: 6, fields: ['c', 'd'] },
      { line: 7, fields: ['e', ''] },
    ],
    errors: [
      { line: 5, message: 'text after a closing quote (write "" for a quote)' },
      { line: 8, message: 'a quoted field is never closed (lines 8-9 not read)' },
    ],
  })
  t.same(readCsv(''), { records: [], errors: [] })
})

const CSV = [
  'Number,name,tags,tier,city',
  '010-1234-5678,김철수,vip; callback,gold,Seoul',
  '+82 10 2222 3333,"Lee, Young",,silver,',
  'not-a-number,x,,,',
  '010-1234-5678,dup,,,',
  '010-4444-5555,short row',
  ',no number,,,',
  '01055556666,,a;b;a,,Busan',
  '',
].join('\n')

t.test(`contact import keeps good rows and reports each bad one by line (${dbKind})`, async (t) => {
  const store = await testStore(t)
  const dir = await mkdtemp(join(tmpdir(), 'ivr-contacts-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'contacts.csv')
  await writeFile(file, CSV)
  const result = await importContacts(store, file, 'KR')
  t.same(result, {
    ok: true,
    imported: 3,
    errors: [
      { line: 4, message: '"not-a-number" is not a phone number (region KR)' },
      { line: 5, message: '+821012345678 is also on line 2' },
      { line: 6, message: '2 fields, the header has 5' },
      { line: 7, message: 'no number' },
    ],
  })
  t.same(
    (await listContacts(store.db)).map(({ updatedAt: _u, ...c }) => c),
    [
      {
        number: '+821012345678',
        name: '김철수',
        tags: ['vip', 'callback'],
        attributes: { tier: 'gold', city: 'Seoul' },
      },
      { number: '+821022223333', name: 'Lee, Young', tags: [], attributes: { tier: 'silver' } },
      { number: '+821055556666', name: null, tags: ['a', 'b'], attributes: { city: 'Busan' } },
    ],
  )
  t.same(
    (await listContacts(store.db, { tag: 'vip' })).map((c) => c.number),
    ['+821012345678'],
  )
  t.same(await findContact(store.db, '+821055556666'), {
    kind: 'contact',
    number: '+821055556666',
    tags: ['a', 'b'],
    attributes: { city: 'Busan' },
  })
  t.equal(await findContact(store.db, '+821000000000'), undefined)

  // A row replaces the contact: importing again with fewer columns clears what is not given.
  await writeFile(file, 'number,name\n010-1234-5678,Kim\n')
  t.same(await importContacts(store, file, 'KR'), { ok: true, imported: 1, errors: [] })
  t.match(await findContact(store.db, '+821012345678'), { name: 'Kim', tags: [], attributes: {} })

  await writeFile(file, 'phone,name\n010-1234-5678,Kim\n')
  t.same(await importContacts(store, file, 'KR'), {
    ok: true,
    imported: 0,
    errors: [{ line: 1, message: 'the header has no "number" column (found: phone,name)' }],
  })
  t.same(await importContacts(store, join(dir, 'missing.csv'), 'KR'), {
    ok: false,
    reasons: [`${join(dir, 'missing.csv')}: cannot read: no such file`],
  })
})

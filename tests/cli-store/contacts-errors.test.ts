/** The store's CLI on bad input and on a database it cannot use: one plain line, exit 1 or 2. */
import t from 'tap'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cli } from '../helpers/cli.js'
import { dbKind, serverUrl, testDatabase } from '../helpers/db.js'
import { tempDir } from '../helpers/store.js'

t.test(`contact import: good rows kept, bad rows by line, summary (${dbKind})`, async (t) => {
  const { env } = await testDatabase(t)
  const run = (...args: string[]) => cli(args, env)
  t.equal((await run('db', 'migrate')).code, 0)
  const file = join(await tempDir(t, 'ivr-cli-csv-'), 'contacts.csv')
  await writeFile(file, 'number,name,tags,tier\n010-1234-5678,Kim,vip,gold\n12,bad,,\n01099998888,Lee,,\n')
  const imported = await run('contact', 'import', file)
  t.equal(imported.code, 1, 'a bad row makes the exit 1')
  t.equal(imported.stderr, `${file}:3: "12" is not a phone number (region KR)\n`)
  t.equal(imported.stdout, '2 contacts imported, 1 bad row\n')
  const listed = await run('contact', 'list', '--tag', 'vip', '--json')
  t.equal(listed.code, 0, listed.stderr)
  t.match(JSON.parse(listed.stdout), [
    { number: '+821012345678', name: 'Kim', tags: ['vip'], attributes: { tier: 'gold' } },
  ])
})

t.test('configuration and database errors', async (t) => {
  const wrongScheme = await cli(['number', 'list', '--database-url', 'mysql://db/ivr'])
  t.equal(wrongScheme.code, 1)
  t.equal(
    wrongScheme.stderr,
    'ivr-router: database URL "mysql://db/ivr": expected postgres://USER@HOST:PORT/DATABASE\n',
  )

  const unreachable = await cli(['number', 'list', '--database-url', 'postgres://nobody:secret@127.0.0.1:9/ivr'])
  t.equal(unreachable.code, 2)
  t.match(unreachable.stderr, /^ivr-router: internal error: cannot open the database: .*ECONNREFUSED.*\n$/)
  t.notMatch(unreachable.stderr, /secret/)

  const badRegion = await cli(['number', 'list', '--region', 'XX', '--data-dir', 'unused'])
  t.equal(badRegion.code, 1)
  t.equal(badRegion.stderr, 'ivr-router: --region "XX": use a country code such as KR\n')

  const help = await cli(['team', 'add', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /--strategy <strategy>/)
})

t.test(
  'PostgreSQL without its tables: the CLI says to migrate',
  { skip: serverUrl ? false : 'the embedded database is migrated when opened' },
  async (t) => {
    const { env } = await testDatabase(t)
    const listed = await cli(['workflow', 'list'], env)
    t.equal(listed.code, 1)
    t.match(
      listed.stderr,
      /^ivr-router: the database \(PostgreSQL postgres:\/\/.*\) has no tables yet: run "ivr-router db migrate" first\n$/,
    )
  },
)

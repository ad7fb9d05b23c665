/** `--version` is the program's alone; `workflow show|export NAME --version N` picks a stored version. */
import t from 'tap'
import { cli } from '../helpers/cli.js'
import { testDatabase } from '../helpers/db.js'

t.test('program version and workflow versions', async (t) => {
  const version = await cli(['--version'])
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/)
  const db = await testDatabase(t)
  t.equal((await cli(['db', 'migrate'], db.env)).code, 0)
  t.equal((await cli(['apply', 'recipes/callback-when-busy.yaml'], db.env)).code, 0)
  const show = await cli(['workflow', 'show', 'support-line', '--version', '1'], db.env)
  t.equal(show.code, 0, show.stderr)
  t.match(show.stdout, /^# support-line version 1 \(current\)/)
  const missing = await cli(['workflow', 'export', 'support-line', '--version', '2'], db.env)
  t.equal(missing.code, 1)
  t.match(missing.stderr, /has no version 2/)
})

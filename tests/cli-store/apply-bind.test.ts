/** The store's CLI as an operator runs it: apply, number bind, listings as JSON, and its exits. */
import t from 'tap'
import { cli } from '../helpers/cli.js'
import { dbKind, testDatabase } from '../helpers/db.js'

const FIXTURE = 'tests/fixtures/workflows/reservations.yaml'

t.test(`apply, number bind, list --json (${dbKind})`, async (t) => {
  const { env } = await testDatabase(t)
  const run = (...args: string[]) => cli(args, env)

  const migrated = await run('db', 'migrate')
  t.equal(migrated.code, 0, migrated.stderr)
  t.match(migrated.stdout, /^database up to date: (PostgreSQL postgres:\/\/|embedded PGlite in )/)
  t.equal((await run('db', 'migrate')).code, 0, 'migrate again: nothing to do')

  const applied = await run('apply', FIXTURE, '--note', 'first import', '--by', 'ops')
  t.equal(applied.code, 0, applied.stderr)
  t.same(applied.stdout.trim().split('\n'), [
    'schedule business-hours: created',
    'team reservations: created',
    'team support: created',
    'agent alice: created',
    'agent bob: created',
    'workflow reservations: created as version 1',
  ])
  const again = await run('apply', FIXTURE, '--json')
  t.equal(again.code, 0, again.stderr)
  t.match(JSON.parse(again.stdout), {
    items: [
      { kind: 'schedule', change: 'unchanged' },
      { kind: 'team' },
      { kind: 'team' },
      { kind: 'agent' },
      { kind: 'agent' },
      { kind: 'workflow', name: 'reservations', change: 'unchanged', version: 1 },
    ],
    contacts: 0,
  })

  for (const number of ['070-1234-5678', '07012345678', '+82 70 1234 5678']) {
    const bound = await run('number', 'bind', number, 'reservations')
    t.equal(bound.code, 0, bound.stderr)
    t.equal(bound.stdout, '+827012345678 → reservations\n', number)
  }
  const numbers = await run('number', 'list', '--json')
  t.equal(numbers.code, 0, numbers.stderr)
  t.match(JSON.parse(numbers.stdout), [{ number: '+827012345678', workflow: 'reservations', enabled: true }])
  t.equal((JSON.parse(numbers.stdout) as unknown[]).length, 1)

  const workflows = await run('workflow', 'list', '--json')
  t.match(JSON.parse(workflows.stdout), [
    { name: 'reservations', enabled: true, trigger: 'incoming', priority: 10, version: 1, numbers: ['+827012345678'] },
  ])
  const shown = await run('workflow', 'show', 'reservations', '1', '--json')
  t.match(JSON.parse(shown.stdout), {
    name: 'reservations',
    version: 1,
    importedBy: 'ops',
    note: 'first import',
    current: true,
  })

  const refused = await run('number', 'bind', '070-1234-5678', 'nope')
  t.equal(refused.code, 1)
  t.equal(refused.stderr, 'ivr-router: cannot bind +827012345678: no workflow named "nope"\n')
  t.equal(refused.stdout, '')
  const badNumber = await run('number', 'bind', 'call-me-maybe', 'reservations')
  t.equal(badNumber.code, 1)
  t.match(
    badNumber.stderr,
    /^ivr-router: "call-me-maybe" is not a phone number \(region KR\): write it as 070-1234-5678/,
  )

  const broken = await run('apply', 'tests/workflow/fixtures/does-not-exist.yaml')
  t.equal(broken.code, 1)
  t.match(broken.stderr, /cannot read: no such file\nivr-router: nothing applied: 1 error\n$/)
})

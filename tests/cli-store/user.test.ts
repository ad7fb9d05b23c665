/** `ivr-router user add|list|role|passwd|remove` as a user runs them: passwords from standard input, argon2id, the audit rows. */
import t from 'tap'
import { passwordMatches } from '../../lib/console/password.js'
import { listAudit } from '../../lib/store/audit.js'
import { openStore } from '../../lib/store/db.js'
import { findUser } from '../../lib/store/users.js'
import { cli } from '../helpers/cli.js'
import { dbKind, testDatabase } from '../helpers/db.js'

t.test(`user add, list, role, passwd, remove (${dbKind})`, async (t) => {
  const db = await testDatabase(t)
  const run = (input: string, ...args: string[]) => cli(['user', ...args], db.env, input)
  // PostgreSQL is migrated on purpose (the embedded database on open).
  t.equal((await cli(['db', 'migrate'], db.env, '')).code, 0)

  const added = await run('correct horse battery\n', 'add', 'ada', '--role', 'admin', '--password-stdin')
  t.same([added.code, added.stdout, added.stderr], [0, 'user ada added (admin)\n', ''])
  const again = await run('correct horse battery\n', 'add', 'ada', '--role', 'viewer', '--password-stdin')
  t.same(
    [again.code, again.stderr],
    [1, 'ivr-router: user "ada" exists (ivr-router user passwd ada changes the password)\n'],
  )
  const short = await run('short\n', 'add', 'bob', '--role', 'viewer', '--password-stdin')
  t.same([short.code, short.stderr], [1, 'ivr-router: a password needs at least 10 characters\n'])
  const badRole = await run('correct horse battery\n', 'add', 'bob', '--role', 'boss', '--password-stdin')
  t.same([badRole.code, badRole.stderr], [1, 'ivr-router: role "boss": use viewer, supervisor, admin\n'])
  const badName = await run('correct horse battery\n', 'add', 'Bob Smith', '--role', 'viewer', '--password-stdin')
  t.match(badName.stderr, /user name "Bob Smith": lower-case letters/)
  const noTerminal = await run('', 'add', 'bob', '--role', 'viewer')
  t.same(
    [noTerminal.code, noTerminal.stderr],
    [1, 'ivr-router: no terminal to ask for the password: pipe it in with --password-stdin\n'],
  )

  const list = await run('', 'list', '--json')
  t.match(JSON.parse(list.stdout), [{ name: 'ada', role: 'admin', createdAt: /^2/ }])
  const passwd = await run('another good password\n', 'passwd', 'ada', '--password-stdin')
  t.same([passwd.code, passwd.stdout], [0, 'password of ada changed; its sessions ended\n'])
  const store = await openStore(db.config)
  try {
    const ada = await findUser(store.db, 'ada')
    t.match(ada?.passwordHash, /^\$argon2id\$/)
    t.ok(await passwordMatches(ada!.passwordHash, 'another good password'))
    t.notOk(await passwordMatches(ada!.passwordHash, 'correct horse battery'))
  } finally {
    await store.close()
  }
  const role = await run('', 'role', 'ada', 'supervisor')
  t.same([role.code, role.stdout], [0, 'user ada is now supervisor\n'])
  t.same((await run('', 'role', 'ada', 'boss')).stderr, 'ivr-router: role "boss": use viewer, supervisor, admin\n')
  t.same((await run('', 'role', 'nobody', 'admin')).stderr, 'ivr-router: no user named "nobody"\n')
  t.match(JSON.parse((await run('', 'list', '--json')).stdout), [{ name: 'ada', role: 'supervisor' }])
  const removed = await run('', 'remove', 'ada')
  t.same([removed.code, removed.stdout], [0, 'user ada removed\n'])
  t.same((await run('', 'remove', 'ada')).stderr, 'ivr-router: no user named "ada"\n')

  const check = await openStore(db.config)
  try {
    const audit = await listAudit(check.db)
    t.same(
      audit.map((a) => [a.action, a.target, a.origin]),
      [
        ['user.remove', 'ada', 'cli'],
        ['user.role', 'ada', 'cli'],
        ['user.passwd', 'ada', 'cli'],
        ['user.add', 'ada', 'cli'],
      ],
    )
    t.match(audit[0]?.actor, /^cli:/)
  } finally {
    await check.close()
  }
})

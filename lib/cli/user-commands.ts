/**
 * `ivr-router user add NAME --role ROLE | list | remove NAME | passwd NAME`: the console's accounts (docs/console.md).
 * Each change is written to the audit table as `cli:<os user>`.
 */
import type { Command } from 'commander'
import { hashPassword } from '../console/password.js'
import { writeAudit } from '../store/audit.js'
import { USER_ROLES } from '../store/schema.js'
import {
  addUser,
  listUsers,
  removeUser,
  roleProblem,
  setPassword,
  setRole,
  userNameProblem,
  type Role,
} from '../store/users.js'
import { UsageError } from './errors.js'
import { readPassword } from './password-input.js'
import {
  accepted,
  jsonOption,
  operatorName,
  printJson,
  printTable,
  storeCommand,
  withStore,
  type StoreOptions,
} from './store-commands.js'

type PasswordOptions = StoreOptions & { passwordStdin?: boolean }
type AddOptions = PasswordOptions & { role: string }

const actor = () => `cli:${operatorName()}`

function checkedName(name: string): string {
  const problem = userNameProblem(name)
  if (problem) throw new UsageError(problem)
  return name
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description("the console's accounts: viewer, supervisor, admin")

  storeCommand(user, 'add', 'create an account (the password is asked, or read with --password-stdin)')
    .argument('<name>', 'the log-in name')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: AddOptions) => {
      checkedName(name)
      const problem = roleProblem(opts.role)
      if (problem) throw new UsageError(problem)
      const passwordHash = await hashPassword(await readPassword(opts.passwordStdin))
      await withStore(opts, async (store) => {
        const added = accepted(await addUser(store.db, { name, role: opts.role, passwordHash }))
        await writeAudit(store.db, {
          actor: actor(),
          action: 'user.add',
          target: name,
          detail: { role: added.role },
          origin: 'cli',
        })
        process.stdout.write(`user ${added.name} added (${added.role})\n`)
      })
    })

  jsonOption(storeCommand(user, 'list', 'the accounts and their roles')).action(async (opts: StoreOptions) => {
    await withStore(opts, async (store) => {
      const list = await listUsers(store.db)
      if (opts.json) printJson(list.map((u) => ({ name: u.name, role: u.role, createdAt: u.createdAt.toISOString() })))
      else
        printTable(
          ['NAME', 'ROLE', 'CREATED'],
          list.map((u) => [u.name, u.role, u.createdAt.toISOString()]),
        )
    })
  })

  storeCommand(user, 'remove', 'delete an account and end its sessions')
    .argument('<name>')
    .action(async (name: string, opts: StoreOptions) => {
      await withStore(opts, async (store) => {
        accepted(await removeUser(store.db, name))
        await writeAudit(store.db, { actor: actor(), action: 'user.remove', target: name, origin: 'cli' })
        process.stdout.write(`user ${name} removed\n`)
      })
    })

  storeCommand(user, 'role', "change an account's role (its sessions go on with the new one)")
    .argument('<name>')
    .argument('<role>', `one of ${USER_ROLES.join(', ')}`)
    .action(async (name: string, role: string, opts: StoreOptions) => {
      checkedName(name)
      const problem = roleProblem(role)
      if (problem) throw new UsageError(problem)
      await withStore(opts, async (store) => {
        const changed = accepted(await setRole(store.db, name, role as Role))
        await writeAudit(store.db, {
          actor: actor(),
          action: 'user.role',
          target: name,
          detail: { role: changed.role },
          origin: 'cli',
        })
        process.stdout.write(`user ${name} is now ${changed.role}\n`)
      })
    })

  storeCommand(user, 'passwd', "change an account's password (its sessions end)")
    .argument('<name>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: PasswordOptions) => {
      checkedName(name)
      const passwordHash = await hashPassword(await readPassword(opts.passwordStdin))
      await withStore(opts, async (store) => {
        accepted(await setPassword(store.db, name, passwordHash))
        await writeAudit(store.db, { actor: actor(), action: 'user.passwd', target: name, origin: 'cli' })
        process.stdout.write(`password of ${name} changed; its sessions ended\n`)
      })
    })
}

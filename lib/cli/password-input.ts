/**
 * A password for `user add` / `user passwd`: from standard input with --password-stdin (scripts), else asked twice
 * on the terminal without echo. Never from a flag or the environment, where `ps` and shell history would keep it.
 */
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { passwordProblem } from '../console/password.js'
import { UsageError } from './errors.js'

async function readStdin(): Promise<string> {
  let text = ''
  process.stdin.setEncoding('utf8')
  for await (const chunk of process.stdin) text += chunk as string
  return text.replace(/\r?\n$/, '')
}

function ask(question: string): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk)
      done()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    muted = true
  })
}

export async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  let password: string
  if (fromStdin) password = await readStdin()
  else if (process.stdin.isTTY) {
    password = await ask('password: ')
    if ((await ask('again: ')) !== password) throw new UsageError('the passwords differ')
  } else throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin')
  const problem = passwordProblem(password)
  if (problem) throw new UsageError(problem)
  return password
}

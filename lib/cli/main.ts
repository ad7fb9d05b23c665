/**
 * The `ivr-router` command line. Each command group lives in its own file and registers itself here.
 * Exit codes: 0 ok, 1 bad input, 2 internal error or bad settings (flags, environment, config file). Errors are one line on stderr unless --debug.
 */
import { Command, CommanderError } from 'commander'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigInvalid } from '../config/load.js'
import { packageRoot } from '../paths.js'
import { UsageError } from './errors.js'

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }

export type Registrar = (program: Command) => void

export function buildProgram(registrars: Registrar[]): Command {
  const program = new Command('ivr-router')
    .description('Call router for FreeSWITCH: IVR workflows over the outbound Event Socket')
    .option('--debug', 'print stack traces for internal errors')
    .addHelpText('after', '\nivr-router --version prints the version.')
    .showHelpAfterError()
    .exitOverride()
  for (const register of registrars) register(program)
  return program
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: string[], registrars: Registrar[]): Promise<number> {
  // Handled here rather than by commander, whose program-wide --version would shadow `workflow show --version N`.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${pkg.version}\n`)
    return 0
  }
  const program = buildProgram(registrars)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return process.exitCode === undefined ? 0 : Number(process.exitCode)
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1
    if (err instanceof UsageError) {
      process.stderr.write(`ivr-router: ${err.message}\n`)
      return 1
    }
    // Settings are checked before anything starts; a bad one stops the program as a configuration error.
    if (err instanceof ConfigInvalid) {
      for (const problem of err.problems) process.stderr.write(`ivr-router: ${problem}\n`)
      return 2
    }
    const debug = program.opts<{ debug?: boolean }>().debug || process.argv.includes('--debug')
    process.stderr.write(
      `ivr-router: internal error: ${err instanceof Error ? (debug ? err.stack : err.message) : String(err)}\n`,
    )
    return 2
  }
}

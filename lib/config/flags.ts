/** The settings' flags on a command (serve, config print): none has a commander default, so the loader sees which were given. */
import type { Command } from 'commander'
import { CONFIG_ENV } from './load.js'
import { OPTION_KEYS, OPTIONS, flagName, isSwitch, type OptionSpec } from './options.js'

export function addConfigFlags(command: Command): Command {
  command.option('--config <file>', `settings file (YAML; default: $${CONFIG_ENV}, else none)`)
  for (const key of OPTION_KEYS) {
    const spec: OptionSpec<unknown> = OPTIONS[key]
    const fallback =
      spec.default === undefined || spec.noDefault !== undefined
        ? (spec.noDefault ?? 'none')
        : Array.isArray(spec.default)
          ? spec.default.join(',')
          : String(spec.default)
    command.option(spec.flag, `${spec.description} (default: ${fallback}; $${spec.env})`)
    // A switch can be turned off on the command line when the environment or the file turns it on.
    if (isSwitch(spec))
      command.option(`--no-${flagName(spec)}`, `turn --${flagName(spec)} off (over $${spec.env} or the file)`)
  }
  return command
}

/** `ivr-router config print`: the effective settings of `serve`, where each came from, secrets masked. */
import type { Command } from 'commander'
import { addConfigFlags } from '../config/flags.js'
import { loadConfig, shownValue } from '../config/load.js'
import { OPTION_KEYS, OPTIONS, type OptionKey } from '../config/options.js'

type Flags = Partial<Record<OptionKey, unknown>> & { config?: string; json?: boolean }

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('the settings of serve (docs/operations.md)')
  addConfigFlags(
    config
      .command('print')
      .description('show the effective settings of serve with the source of each (flag, env, file, default)')
      .option('--json', 'one JSON object: {key: {value, source, from?}}'),
  ).action((opts: Flags) => {
    const { json, config: file, ...flags } = opts
    const loaded = loadConfig({ flags, file })
    const shown = OPTION_KEYS.map((key) => {
      const value = shownValue(OPTIONS[key], loaded.config[key])
      return { key, value: value === undefined ? null : value, ...loaded.sources[key] }
    })
    if (json) {
      const out = Object.fromEntries(shown.map(({ key, ...rest }) => [key, rest]))
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
      return
    }
    const text = (v: unknown) =>
      v === null
        ? '(none)'
        : Array.isArray(v)
          ? v.join(',')
          : typeof v === 'object'
            ? Object.keys(v).length === 0
              ? '(none)'
              : JSON.stringify(v)
            : String(v)
    const width = Math.max(...shown.map((s) => s.key.length))
    const valueWidth = Math.max(...shown.map((s) => text(s.value).length))
    for (const s of shown) {
      const source = s.from ? `${s.source} ${s.from}` : s.source
      process.stdout.write(`${s.key.padEnd(width)}  ${text(s.value).padEnd(valueWidth)}  ${source}\n`)
    }
  })
}

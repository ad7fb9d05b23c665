/** The configuration table of docs/operations.md, written from the option declarations. */
import { OPTION_KEYS, OPTIONS, type OptionSpec } from './options.js'

function shownDefault(spec: OptionSpec<unknown>): string {
  if (spec.default === undefined || spec.noDefault !== undefined) return spec.noDefault ?? 'none'
  const value = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)
  return `\`${value}\``
}

export function configTable(): string {
  const rows = OPTION_KEYS.map((key) => {
    const spec: OptionSpec<unknown> = OPTIONS[key]
    const description = spec.secret ? `${spec.description}; secret: shown masked` : spec.description
    return `| \`${key}\` | \`${spec.flag.split(' ')[0]}\` | \`${spec.env}\` | ${spec.parse.type.replace(/\|/g, '\\|')} | ${shownDefault(spec)} | ${description} |`
  })
  return [
    '| File key | Flag | Environment | Type | Default | Meaning |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n')
}

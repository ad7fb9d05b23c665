/**
 * `ivr-router apply FILE...`: imports workflows, schedules, teams, agents and contacts into the
 * database, validated as a whole against what is stored. Nothing is written unless everything
 * passes. Diagnostics go to stderr, the result of each document to stdout.
 */
import type { Command } from 'commander'
import { loadConfig } from '../config/load.js'
import { applyDocuments, type ApplyReport } from '../store/apply.js'
import { loadFiles } from '../workflow/load.js'
import { formatDiagnostic } from '../workflow/validate.js'
import { UsageError } from './errors.js'
import { jsonOption, operatorName, printJson, storeCommand, withStore, type StoreOptions } from './store-commands.js'

type Options = StoreOptions & { note?: string; by?: string; config?: string }

function describe(item: ApplyReport['items'][number]): string {
  const label = `${item.kind} ${item.name}`
  if (item.kind !== 'workflow') return `${label}: ${item.change}`
  const flag = item.enabledChanged
    ? `, ${item.enabled ? 'enabled' : 'disabled'} again`
    : item.enabled
      ? ''
      : ', disabled'
  if (item.change === 'created') return `${label}: created as version 1${flag}`
  if (item.change === 'updated') return `${label}: new version ${item.version}${flag}`
  return `${label}: unchanged (version ${item.version})${flag}`
}

export function registerApplyCommands(program: Command): void {
  jsonOption(
    storeCommand(program, 'apply', 'import workflow, schedule, team, agent and contact files into the database'),
  )
    .argument('<files...>', 'YAML or JSON files, validated together with what is stored')
    .option('--note <text>', 'a note kept with each new workflow version')
    .option('--by <name>', 'who imports, kept with each new workflow version (default: your user name)')
    .option('--config <file>', "the routers' settings file (as serve's): http actions may name only its endpoints")
    .action(async (files: string[], opts: Options) => {
      if (opts.note !== undefined && opts.note.length > 500) throw new UsageError('--note: at most 500 characters')
      const loaded = await loadFiles(files)
      const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error')
      if (loadErrors.length > 0) {
        for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
        throw new UsageError(`nothing applied: ${loadErrors.length} error${loadErrors.length === 1 ? '' : 's'}`)
      }
      const result = await withStore(opts, (store) =>
        applyDocuments(store, loaded, {
          region: opts.region,
          importedBy: opts.by ?? operatorName(),
          ...(opts.config === undefined
            ? {}
            : { endpoints: new Set(Object.keys(loadConfig({ flags: {}, file: opts.config }).config.endpoints)) }),
          ...(opts.note === undefined ? {} : { note: opts.note }),
        }),
      )
      if (!result.ok) {
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
        const errors = result.diagnostics.filter((d) => d.severity === 'error').length
        if (result.reasons.length > 0) throw new UsageError(`nothing applied: ${result.reasons.join('; ')}`)
        throw new UsageError(`nothing applied: ${errors} error${errors === 1 ? '' : 's'}`)
      }
      for (const d of result.warnings) process.stderr.write(`${formatDiagnostic(d)}\n`)
      if (opts.json) {
        printJson(result.report)
        return
      }
      for (const item of result.report.items) process.stdout.write(`${describe(item)}\n`)
      if (result.report.contacts > 0) process.stdout.write(`contacts: ${result.report.contacts} imported\n`)
    })
}

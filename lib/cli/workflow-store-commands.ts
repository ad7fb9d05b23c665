/**
 * The `workflow` subcommands on the database: list, show, export, diff, rollback, enable,
 * disable. (validate and schema work on files: workflow-commands.ts.)
 *
 * A version is `--version N` or an argument (`workflow show NAME 2`); the program's own version is
 * `ivr-router --version` alone (lib/cli/main.ts).
 */
import type { Command } from 'commander'
import {
  diffVersions,
  listVersions,
  listWorkflows,
  rollbackWorkflow,
  setWorkflowEnabled,
  workflowSummary,
  workflowVersion,
  workflowYaml,
} from '../store/workflows.js'
import { UsageError } from './errors.js'
import {
  accepted,
  jsonOption,
  printJson,
  printTable,
  storeCommand,
  wholeNumber,
  withStore,
  type StoreOptions,
} from './store-commands.js'
import { workflowCommand } from './workflow-commands.js'

const MAX_VERSION = 1_000_000_000
const versionArg = (flag: string, v: string | undefined) =>
  v === undefined ? undefined : wholeNumber(flag, v, 1, MAX_VERSION)

export function registerWorkflowStoreCommands(program: Command): void {
  const workflow = workflowCommand(program)

  jsonOption(storeCommand(workflow, 'list', 'list the stored workflows')).action(async (opts: StoreOptions) => {
    const list = await withStore(opts, (store) => listWorkflows(store.db))
    if (opts.json) printJson(list)
    else
      printTable(
        ['NAME', 'ENABLED', 'TRIGGER', 'PRIORITY', 'VERSION', 'NUMBERS', 'TITLE'],
        list.map((w) => [
          w.name,
          w.enabled ? 'yes' : 'no',
          w.trigger,
          w.priority,
          `${w.version} of ${w.versions}`,
          w.numbers.join(',') || '-',
          w.title,
        ]),
      )
  })

  jsonOption(storeCommand(workflow, 'show', 'show a workflow and its versions, or one version with its document'))
    .argument('<name>', 'the workflow')
    .argument('[version]', 'one version: its details and document')
    .option('--version <n>', 'one version (the same as the argument)')
    .action(async (name: string, n: string | undefined, opts: StoreOptions & { version?: string }) => {
      const version = versionArg(opts.version === undefined ? 'VERSION' : '--version', opts.version ?? n)
      if (version !== undefined) {
        const v = accepted(await withStore(opts, (store) => workflowVersion(store.db, name, version)))
        const { ok: _ok, workflow: document, ...info } = v
        if (opts.json) printJson({ ...info, document })
        else {
          process.stdout.write(
            `# ${name} version ${v.version}${v.current ? ' (current)' : ''}: imported ${v.importedAt.toISOString()} by ${v.importedBy}${v.note ? `: ${v.note}` : ''}\n`,
          )
          process.stdout.write(workflowYaml(document))
        }
        return
      }
      const found = await withStore(opts, async (store) => {
        const summary = await workflowSummary(store.db, name)
        return summary && { summary, versions: (await listVersions(store.db, name)) ?? [] }
      })
      if (!found) throw new UsageError(`no workflow named "${name}"`)
      if (opts.json) {
        printJson(found)
        return
      }
      const s = found.summary
      const lines = [
        `name:      ${s.name}${s.title ? ` (${s.title})` : ''}`,
        `enabled:   ${s.enabled ? 'yes' : 'no'}`,
        `trigger:   ${s.trigger}, priority ${s.priority}`,
        `version:   ${s.version} (current) of ${s.versions}`,
        `numbers:   ${s.numbers.join(', ') || '-'}`,
        '',
      ]
      process.stdout.write(lines.join('\n'))
      printTable(
        ['VERSION', 'IMPORTED', 'BY', 'CHECKSUM', 'NOTE'],
        found.versions.map((v) => [
          `${v.version}${v.current ? '*' : ''}`,
          v.importedAt.toISOString(),
          v.importedBy,
          v.checksum.slice(0, 12),
          v.note,
        ]),
      )
    })

  storeCommand(workflow, 'export', 'print a workflow version as YAML (edit it and apply it again)')
    .argument('<name>', 'the workflow')
    .argument('[version]', 'this version instead of the current one')
    .option('--version <n>', 'this version (the same as the argument)')
    .action(async (name: string, n: string | undefined, opts: StoreOptions & { version?: string }) => {
      const version = versionArg(opts.version === undefined ? 'VERSION' : '--version', opts.version ?? n)
      const v = accepted(await withStore(opts, (store) => workflowVersion(store.db, name, version)))
      process.stdout.write(workflowYaml(v.workflow))
    })

  jsonOption(
    storeCommand(workflow, 'diff', 'the changes between two versions (default: the current one and the one before)'),
  )
    .argument('<name>', 'the workflow')
    .argument('[from]', 'the older version')
    .argument('[to]', 'the newer version (default: the current one)')
    .action(async (name: string, from: string | undefined, to: string | undefined, opts: StoreOptions) => {
      const a = versionArg('FROM', from)
      const b = versionArg('TO', to)
      const d = accepted(await withStore(opts, (store) => diffVersions(store.db, name, a, b)))
      if (opts.json) {
        printJson({ name: d.name, from: d.from, to: d.to, lines: d.lines })
        return
      }
      process.stdout.write(`--- ${d.name} version ${d.from}\n+++ ${d.name} version ${d.to}\n`)
      for (const l of d.lines) process.stdout.write(`${l.op}${l.text}\n`)
    })

  storeCommand(workflow, 'rollback', 'make an earlier version the current one (calls already running keep theirs)')
    .argument('<name>', 'the workflow')
    .argument('<version>', 'the version to go back to')
    .action(async (name: string, version: string, opts: StoreOptions) => {
      const n = wholeNumber('VERSION', version, 1, MAX_VERSION)
      const r = accepted(await withStore(opts, (store) => rollbackWorkflow(store, name, n, opts.region)))
      process.stdout.write(`workflow ${r.name}: current version ${r.from} → ${r.to}\n`)
    })

  for (const enabled of [true, false])
    storeCommand(
      workflow,
      enabled ? 'enable' : 'disable',
      enabled
        ? 'let a workflow run again (the next apply sets it from its file)'
        : 'stop a workflow from running; numbers bound to it go to the top-priority workflow meanwhile',
    )
      .argument('<name>', 'the workflow')
      .action(async (name: string, opts: StoreOptions) => {
        const r = accepted(await withStore(opts, (store) => setWorkflowEnabled(store, name, enabled, opts.region)))
        const state = enabled ? 'enabled' : 'disabled'
        process.stdout.write(`workflow ${r.name}: ${r.changed ? state : `already ${state}`}\n`)
        if (!enabled && r.changed && r.numbers.length > 0)
          process.stdout.write(`numbers bound to it now go to the top-priority workflow: ${r.numbers.join(', ')}\n`)
      })
}

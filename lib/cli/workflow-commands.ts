/**
 * `ivr-router workflow validate FILE...` and `ivr-router workflow schema`.
 * Diagnostics (errors and warnings alike) go to stderr, one per line, so that stdout carries only
 * results; invalid input sets exit code 1. Other command files add their own `workflow` subcommands
 * through workflowCommand().
 */
import type { Command } from 'commander'
import { documentSchema } from '../workflow/json-schema.js'
import { loadConfig } from '../config/load.js'
import { formatDiagnostic, validateFiles } from '../workflow/validate.js'

/** The `workflow` command group, created on first use. */
export function workflowCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'workflow') ??
    program.command('workflow').description('workflows and their files')
  )
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

export function registerWorkflowCommands(program: Command): void {
  const workflow = workflowCommand(program)
  workflow
    .command('validate')
    .description('check workflow, schedule, team, agent and contact files as a whole (references resolve between them)')
    .argument('<files...>', 'YAML or JSON files')
    .option('--config <file>', "the router's settings file (as serve's): http actions may name only its endpoints")
    .action(async (files: string[], opts: { config?: string }) => {
      const endpoints =
        opts.config === undefined
          ? undefined
          : new Set(Object.keys(loadConfig({ flags: {}, file: opts.config }).config.endpoints))
      const { documents, diagnostics } = await validateFiles(files, endpoints ? { known: { endpoints } } : {})
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
      const errors = diagnostics.filter((d) => d.severity === 'error').length
      if (errors > 0) {
        process.stderr.write(`${count(errors, 'error')} in ${count(files.length, 'file')}\n`)
        process.exitCode = 1
        return
      }
      const found = [
        count(documents.workflows.length, 'workflow'),
        count(documents.schedules.length, 'schedule'),
        count(documents.teams.length, 'team'),
        count(documents.agents.length, 'agent'),
        count(documents.contacts.length, 'contact'),
      ]
      process.stdout.write(`valid: ${found.join(', ')} in ${count(files.length, 'file')}\n`)
    })
  workflow
    .command('schema')
    .description('print the JSON Schema of workflow files (for editors such as VS Code with the YAML extension)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(documentSchema(), null, 2)}\n`)
    })
}

/**
 * `ivr-router workflow graph NAME|FILE...` draws a workflow (Mermaid or Graphviz DOT);
 * `ivr-router workflow paths FILE...` lists every distinct path through it with the `simulate`
 * inputs that lead there.
 */
import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { isValidRegion } from '../phone/e164.js'
import { enumeratePaths, simulateArgs, type WorkflowPath } from '../sim/paths.js'
import { workflowVersion } from '../store/workflows.js'
import { buildDiagram } from '../workflow/diagram.js'
import { renderDot } from '../workflow/diagram-dot.js'
import { renderMermaid } from '../workflow/diagram-mermaid.js'
import type { Directory } from '../workflow/directory.js'
import { Name, type Workflow } from '../workflow/schema.js'
import { UsageError } from './errors.js'
import { accepted, printJson, storeCommand, wholeNumber, withStore, type StoreOptions } from './store-commands.js'
import { validDirectory } from './valid-directory.js'
import { workflowCommand } from './workflow-commands.js'

const FORMATS = ['mermaid', 'dot'] as const
type Format = (typeof FORMATS)[number]

/** The workflow named by `--workflow`, else the first of the files; the others are mentioned on stderr. */
function pick(directory: Directory, name: string | undefined, first: (d: Directory) => Workflow | undefined): Workflow {
  if (name !== undefined) {
    const w = directory.workflows.find((x) => x.name === name)
    if (!w)
      throw new UsageError(
        `--workflow "${name}": not in the files (${directory.workflows.map((x) => x.name).join(', ')})`,
      )
    return w
  }
  const w = first(directory)
  if (!w) throw new UsageError('no workflow in the files given')
  const others = directory.workflows.filter((x) => x !== w).map((x) => x.name)
  if (others.length > 0)
    process.stderr.write(`workflow ${w.name} (also in the files: ${others.join(', ')}; pick one with --workflow)\n`)
  return w
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:+,=#*-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

function outcomeText(p: WorkflowPath): string {
  const who = [p.team ? `team ${p.team}` : '', p.agent ? `agent ${p.agent}` : ''].filter(Boolean).join(', ')
  return `${p.outcome}${p.inbox ? ` (inbox: ${p.inbox})` : ''}${who ? ` · ${who}` : ''}`
}

export function registerWorkflowDiagramCommands(program: Command): void {
  const workflow = workflowCommand(program)

  storeCommand(workflow, 'graph', 'draw a workflow: stored (NAME, its current version) or from files (validated)')
    .argument('<name-or-files...>', 'a stored workflow name, or YAML/JSON files')
    .option('--format <format>', 'mermaid or dot', 'mermaid')
    .option('--workflow <name>', 'with files: the workflow to draw (default: the first)')
    .option('--version <n>', 'with a name: this stored version instead of the current one')
    .action(async (args: string[], opts: StoreOptions & { format: string; workflow?: string; version?: string }) => {
      if (!FORMATS.includes(opts.format as Format))
        throw new UsageError(`--format "${opts.format}": use ${FORMATS.join(' or ')}`)
      let chosen: Workflow
      const stored = args.length === 1 && !existsSync(args[0]!) && Name.safeParse(args[0]).success
      if (stored) {
        const version =
          opts.version === undefined ? undefined : wholeNumber('--version', opts.version, 1, 1_000_000_000)
        chosen = accepted(await withStore(opts, (store) => workflowVersion(store.db, args[0]!, version))).workflow
      } else {
        if (opts.version !== undefined) throw new UsageError('--version goes with a stored workflow name, not files')
        if (!isValidRegion(opts.region))
          throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
        chosen = pick(await validDirectory(args, opts.region), opts.workflow, (d) => d.workflows[0])
      }
      const diagram = buildDiagram(chosen)
      process.stdout.write(opts.format === 'dot' ? renderDot(diagram) : renderMermaid(diagram))
    })

  workflow
    .command('paths')
    .description('every distinct path through a workflow, with the simulate inputs that lead there')
    .argument('<files...>', 'YAML or JSON files: the first incoming workflow, as simulate runs it')
    .option('--at <iso-8601>', 'where the search for open and closed times starts (default: now)')
    .option('--max-paths <n>', 'stop after this many paths', '200')
    .option('--max-visits <n>', 'how often a path may enter the same step (loops through menu keys)', '2')
    .option('--region <code>', 'default region for numbers without a country code', process.env.IVR_REGION ?? 'KR')
    .option('--json', 'print one JSON object')
    .action(
      async (
        files: string[],
        opts: { at?: string; maxPaths: string; maxVisits: string; region: string; json?: boolean },
      ) => {
        const at = opts.at === undefined ? Date.now() : Date.parse(opts.at)
        if (Number.isNaN(at)) throw new UsageError(`--at "${opts.at}": use ISO 8601, e.g. 2026-11-23T10:00:00+09:00`)
        const maxPaths = wholeNumber('--max-paths', opts.maxPaths, 1, 100_000)
        const maxVisits = wholeNumber('--max-visits', opts.maxVisits, 1, 10)
        if (!isValidRegion(opts.region))
          throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
        const directory = await validDirectory(files, opts.region)
        if (!directory.workflows.some((w) => w.trigger === 'incoming'))
          throw new UsageError('no incoming workflow in the files given')
        const result = await enumeratePaths({ directory, at, region: opts.region, maxPaths, maxVisits })
        const command = (p: WorkflowPath) =>
          `ivr-router simulate ${[...files, ...simulateArgs(p.inputs)].map(shellWord).join(' ')}`
        if (opts.json) {
          printJson({ ...result, paths: result.paths.map((p) => ({ ...p, simulate: command(p) })) })
        } else {
          const n = result.paths.length
          process.stdout.write(`${result.workflow}: ${n} path${n === 1 ? '' : 's'}\n`)
          const width = String(n).length
          for (const [i, p] of result.paths.entries()) {
            process.stdout.write(`\n${String(i + 1).padStart(width)}. ${p.steps.join(' → ')}  ⇒  ${outcomeText(p)}\n`)
            process.stdout.write(`${' '.repeat(width + 2)}${command(p)}\n`)
          }
          if (result.loopsCut > 0)
            process.stdout.write(
              `\nnot listed: ${result.loopsCut} way${result.loopsCut === 1 ? '' : 's'} round a loop entering a step more than ${maxVisits} times (--max-visits)\n`,
            )
        }
        if (!result.complete) {
          const why =
            result.stoppedBy === 'max-runs'
              ? `after ${result.runs} runs of the engine: the list may not be complete`
              : `at ${result.paths.length} paths (--max-paths ${maxPaths}): there are more; the list is not complete`
          process.stderr.write(`ivr-router: the search stopped ${why}\n`)
          process.exitCode = 1
        }
      },
    )
}

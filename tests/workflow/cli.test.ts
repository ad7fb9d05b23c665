/** `ivr-router workflow validate|schema`, run as the real program in a child process. */
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

type Run = { code: number; stdout: string; stderr: string }

function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/ivr-router.ts', ...args],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    )
  })
}

const dir = mkdtempSync(join(tmpdir(), 'ivr-cli-'))

t.test('valid files: exit 0, a summary on stdout, nothing on stderr', async (t) => {
  const r = await run('workflow', 'validate', 'tests/workflow/fixtures/valid/reservations.yaml')
  t.same(r, {
    code: 0,
    stdout: 'valid: 1 workflow, 1 schedule, 2 teams, 1 agent, 0 contacts in 1 file\n',
    stderr: '',
  })
})

t.test('references resolve across the files given', async (t) => {
  const flow = join(dir, 'flow.yaml')
  const teams = join(dir, 'teams.json')
  writeFileSync(flow, 'name: flow\nsteps:\n  A:\n    - assign: { team: support }\n')
  writeFileSync(teams, '{ "kind": "team", "name": "support" }\n')
  const alone = await run('workflow', 'validate', flow)
  t.equal(alone.code, 1)
  t.equal(alone.stderr, `${flow}: workflow flow: steps.A[0].assign.team: unknown team "support"\n1 error in 1 file\n`)
  const together = await run('workflow', 'validate', flow, teams)
  t.same(together, {
    code: 0,
    stdout: 'valid: 1 workflow, 0 schedules, 1 team, 0 agents, 0 contacts in 2 files\n',
    stderr: '',
  })
})

t.test('errors and warnings: one line each on stderr, exit 1; a missing file is a line too', async (t) => {
  const r = await run(
    'workflow',
    'validate',
    'tests/workflow/fixtures/invalid/unknown-step.yaml',
    'tests/workflow/fixtures/invalid/unreachable.yaml',
    'missing.yaml',
  )
  t.equal(r.code, 1)
  t.equal(r.stdout, '')
  const lines = r.stderr.trimEnd().split('\n')
  t.same(lines.slice(0, 1), ['missing.yaml: cannot read: no such file'])
  t.ok(
    lines.includes(
      'tests/workflow/fixtures/invalid/unknown-step.yaml: workflow refs: steps.B[0].menu.options.1: unknown step "Z"',
    ),
  )
  t.ok(
    lines.includes(
      'tests/workflow/fixtures/invalid/unreachable.yaml: workflow islands: steps.C: warning: unreachable: no path from the start step "A" leads here',
    ),
  )
  t.equal(lines.at(-1), '8 errors in 3 files')
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace')
})

t.test('warnings alone do not fail', async (t) => {
  const r = await run('workflow', 'validate', 'tests/workflow/fixtures/invalid/unreachable.yaml')
  t.equal(r.code, 0)
  t.equal(r.stderr.split('\n').filter((l) => l.includes(': warning: ')).length, 2)
  t.equal(r.stdout, 'valid: 1 workflow, 0 schedules, 0 teams, 0 agents, 0 contacts in 1 file\n')
})

t.test('workflow schema prints the JSON Schema', async (t) => {
  const r = await run('workflow', 'schema')
  t.equal(r.code, 0)
  const schema = JSON.parse(r.stdout) as { oneOf?: unknown[]; $id?: string }
  t.equal(schema.oneOf?.length, 5)
  t.type(schema.$id, 'string')
})

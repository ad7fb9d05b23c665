/**
 * `workflow paths`: the distinct paths of the recipes and of small workflows built to show one
 * bound each (a menu's repeat count, loops through keys, a try-connect chain, conditions on the
 * caller and a form field). Every path of the recipes is replayed through `ivr-router simulate`
 * from the command line `workflow paths` prints for it.
 */
import t, { type Test } from 'tap'
import { commands } from '../../lib/cli/commands.js'
import { runCli } from '../../lib/cli/main.js'
import { enumeratePaths, simulateArgs, type PathsResult } from '../../lib/sim/paths.js'
import { directoryOf } from '../helpers/sim.js'

const MONDAY_10 = '2026-11-23T10:00:00+09:00'

type Output = { code: number; stdout: string; stderr: string }

/** The CLI in this process, its output captured (much faster than a child process per replay). */
async function run(args: string[]): Promise<Output> {
  const out: string[] = []
  const err: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  const writeErr = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write
  let code: number
  try {
    code = await runCli(args, commands)
  } finally {
    process.stdout.write = write
    process.stderr.write = writeErr
    process.exitCode = undefined
  }
  return { code, stdout: out.join(''), stderr: err.join('') }
}

type Listed = PathsResult['paths'][number] & { simulate: string }

const summary = (paths: Listed[] | PathsResult['paths']) =>
  paths.map(
    (p) => `${p.steps.join(' ')} ⇒ ${p.outcome} | ${'simulate' in p ? p.simulate.replace(/^.*?\.yaml ?/, '') : ''}`,
  )

async function replayEach(t: Test, paths: Listed[]): Promise<void> {
  for (const p of paths) {
    const [program, command, ...args] = p.simulate.split(' ')
    t.same([program, command], ['ivr-router', 'simulate'])
    const r = await run([command!, ...args, '--json'])
    t.equal(r.code, 0, r.stderr)
    const sim = JSON.parse(r.stdout) as { steps: string[]; outcome: string; inbox: { reason: string } | null }
    t.same(
      [sim.steps, sim.outcome, sim.inbox?.reason ?? null],
      [p.steps, p.outcome, p.inbox],
      `replayed: ${p.simulate}`,
    )
  }
}

t.test('recipe ivr-experience-design: every path, each replayed through simulate', async (t) => {
  const r = await run(['workflow', 'paths', 'recipes/ivr-experience-design.yaml', '--at', MONDAY_10, '--json'])
  t.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as PathsResult & { paths: Listed[] }
  t.equal(out.workflow, 'ivr-experience-design')
  t.equal(out.complete, true)
  t.same(summary(out.paths), [
    'hours main-menu general ⇒ connected | --at 2026-11-23T10:00:00+09:00 --keys 0 --connect answer',
    'hours main-menu general ⇒ missed | --at 2026-11-23T10:00:00+09:00 --keys 0 --connect none',
    'hours main-menu orders ⇒ connected | --at 2026-11-23T10:00:00+09:00 --keys 1 --connect answer',
    'hours main-menu orders general ⇒ connected | --at 2026-11-23T10:00:00+09:00 --keys 1 --connect none,answer',
    'hours main-menu orders general ⇒ missed | --at 2026-11-23T10:00:00+09:00 --keys 1 --connect none,none',
    'hours main-menu shipping ⇒ connected | --at 2026-11-23T10:00:00+09:00 --keys 2 --connect answer',
    'hours main-menu shipping general ⇒ connected | --at 2026-11-23T10:00:00+09:00 --keys 2 --connect none,answer',
    'hours main-menu shipping general ⇒ missed | --at 2026-11-23T10:00:00+09:00 --keys 2 --connect none,none',
    // 12:00 is the lunch break: the first closed instant after Monday 10:00.
    'hours closed ⇒ hangup | --at 2026-11-23T12:00:00+09:00',
  ])
  await replayEach(t, out.paths)
})

t.test('recipe callback-when-busy: the queue and the queued workflow, each replayed through simulate', async (t) => {
  const r = await run(['workflow', 'paths', 'recipes/callback-when-busy.yaml', '--json'])
  t.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as PathsResult & { paths: Listed[] }
  t.equal(out.workflow, 'support-line')
  t.same(summary(out.paths), [
    'A ⇒ connected | --connect answer',
    'A ⇒ missed | --connect none',
    'A offer leave-message ⇒ voicemail | --keys 1 --connect none --queue-wait 61',
    // The form's pattern 01[0-9]{8,9} gives the input; the end key is added.
    'A offer callback ⇒ missed | --keys 2,0100000000# --connect none --queue-wait 61',
    'A offer callback keep-waiting ⇒ missed | --keys 2,_,_ --connect none --queue-wait 61',
    'A offer keep-waiting ⇒ missed | --keys 3 --connect none --queue-wait 61',
    // The callback's read-back: 1 confirms; no key twice (repeat 2) is no confirmation, so otherwise.
    'A offer call-back ⇒ callback | --keys 4,1 --connect none --queue-wait 61',
    'A offer call-back keep-waiting ⇒ missed | --keys 4,_,_ --connect none --queue-wait 61',
  ])
  t.same(
    out.paths.map((p) => p.inbox),
    [
      null,
      'queue_abandoned',
      'voicemail',
      'workflow_hangup',
      'queue_abandoned',
      'queue_abandoned',
      null,
      'queue_abandoned',
    ],
  )
  await replayEach(t, out.paths)
})

const AT = Date.parse(MONDAY_10)

t.test('a menu with repeat 3: each key, and no valid key in three plays', async (t) => {
  const directory = directoryOf(`
name: menu
repeat: 3
steps:
  A:
    - menu:
        prompt: { say: "1 or 2, * to hear again" }
        options: { "1": B, "2": C, "3": B, "*": repeat }
  B:
    - hangup: {}
  C:
    - voicemail: {}
`)
  const r = await enumeratePaths({ directory, at: AT, region: 'KR', maxPaths: 100 })
  t.same(
    r.paths.map((p) => [p.steps.join(' '), p.outcome, p.inputs.keys]),
    [
      ['A B', 'hangup', '1'],
      ['A C', 'voicemail', '2'],
      ['A', 'hangup', '_,_,_'],
    ],
  )
  // Per play: key 1, key 2 (3 goes where 1 does; * is a replay like no key), no key: 1 + 3 + 3 + 3 runs.
  t.equal(r.runs, 10)
  t.same([r.complete, r.loopsCut], [true, 0])
})

t.test('a loop through a menu key is cut at --max-visits', async (t) => {
  const directory = directoryOf(`
name: loop
repeat: 2
steps:
  A:
    - menu:
        prompt: { say: "1 to leave, 9 to start again" }
        options: { "1": B, "9": A }
  B:
    - hangup: {}
`)
  const twice = await enumeratePaths({ directory, at: AT, region: 'KR', maxPaths: 100 })
  t.same(
    twice.paths.map((p) => [p.steps.join(' '), p.inputs.keys]),
    [
      ['A B', '1'],
      ['A A B', '9,1'],
      ['A A', '9,_,_'],
      ['A', '_,_'],
    ],
  )
  t.ok(twice.loopsCut > 0, 'the third visit of A is cut')
  const thrice = await enumeratePaths({ directory, at: AT, region: 'KR', maxPaths: 100, maxVisits: 3 })
  t.equal(thrice.paths.length, 6)
})

t.test('a try-connect chain A → B → C', async (t) => {
  const directory = directoryOf(`
name: chain
steps:
  A:
    - assign: { team: first }
    - connect: { otherwise: B }
  B:
    - assign: { team: second }
    - connect: { otherwise: C }
  C:
    - assign: { team: third }
---
kind: team
name: first
---
kind: team
name: second
---
kind: team
name: third
`)
  const r = await enumeratePaths({ directory, at: AT, region: 'KR', maxPaths: 100 })
  t.same(
    r.paths.map((p) => [p.steps.join(' '), p.outcome, p.team, p.inputs.connect]),
    [
      ['A', 'connected', 'first', 'answer'],
      ['A B', 'connected', 'second', 'none,answer'],
      ['A B C', 'connected', 'third', 'none,none,answer'],
      ['A B C', 'missed', 'third', 'none,none,none'],
    ],
  )
})

t.test('conditions on the caller and on a form field give the inputs that reach each branch', async (t) => {
  const directory = directoryOf(`
name: conditions
repeat: 2
steps:
  A:
    - branch:
        - if: { caller: { prefix: "010" } }
          goto: mobile
        - goto: other
  mobile:
    - collect: { prompt: { say: "number" }, field: ref, minDigits: 4, maxDigits: 8 }
    - branch:
        - if: { field: { name: ref, minLength: 6 } }
          goto: long
        - goto: short
  long:
    - hangup: { inbox: true }
  short:
    - hangup: {}
  other:
    - voicemail: {}
`)
  const r = await enumeratePaths({ directory, at: AT, region: 'KR', maxPaths: 100 })
  t.same(
    r.paths.map((p) => [p.steps.join(' '), p.outcome, p.inputs.from, p.inputs.keys]),
    [
      ['A mobile short', 'hangup', '010-1234-5678', '1111#'],
      ['A mobile long', 'missed', '010-1234-5678', '111111#'],
      ['A mobile', 'hangup', '010-1234-5678', '_,_'],
      ['A other', 'voicemail', '+12025550123', undefined],
    ],
  )
})

t.test('--max-paths: the list is cut, said so, and the exit code is 1', async (t) => {
  const r = await enumeratePaths({
    directory: directoryOf(`
name: many
steps:
  A:
    - menu:
        prompt: { say: "pick" }
        options: { "1": B, "2": C, "3": D }
  B: [{ hangup: {} }]
  C: [{ hangup: {} }]
  D: [{ hangup: {} }]
`),
    at: AT,
    region: 'KR',
    maxPaths: 2,
  })
  t.same([r.paths.length, r.complete], [2, false])
  const cli = await run(['workflow', 'paths', 'recipes/ivr-experience-design.yaml', '--max-paths', '3'])
  t.equal(cli.code, 1)
  t.match(cli.stdout, /^ivr-experience-design: 3 paths\n/)
  t.equal(
    cli.stderr,
    'ivr-router: the search stopped at 3 paths (--max-paths 3): there are more; the list is not complete\n',
  )
})

t.test('recipe reservation-lookup: each response the data conditions tell apart, and a failed request', async (t) => {
  const r = await run(['workflow', 'paths', 'recipes/reservation-lookup.yaml', '--at', MONDAY_10, '--json'])
  t.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as PathsResult & { paths: Listed[] }
  t.same(
    out.paths.map((p) => `${p.steps.join(' ')} ⇒ ${p.outcome} | ${(p.inputs.http ?? []).join(' ')}`),
    [
      'main-menu agent ⇒ connected | ',
      'main-menu agent ⇒ missed | ',
      'main-menu ask-number vip ⇒ connected | crm={"customer":{"tier":"vip"}}',
      'main-menu ask-number vip ⇒ missed | crm={"customer":{"tier":"vip"}}',
      'main-menu ask-number read-back ⇒ hangup | crm={"reservation":{"status":"confirmed"}}',
      'main-menu ask-number not-found agent ⇒ connected | crm={}',
      'main-menu ask-number not-found agent ⇒ missed | crm={}',
      'main-menu ask-number lookup-failed agent ⇒ connected | crm=error',
      'main-menu ask-number lookup-failed agent ⇒ missed | crm=error',
      'main-menu ask-number agent ⇒ connected | ',
      'main-menu ask-number agent ⇒ missed | ',
    ],
  )
  // Replayed from the inputs as given (the printed command line quotes the JSON for a shell).
  for (const p of out.paths) {
    const replay = await run([
      'simulate',
      'recipes/reservation-lookup.yaml',
      '--at',
      MONDAY_10,
      ...simulateArgs(p.inputs),
      '--json',
    ])
    t.equal(replay.code, 0, replay.stderr)
    t.same((JSON.parse(replay.stdout) as { steps: string[] }).steps, p.steps)
  }
  t.match(out.paths[4]!.simulate, `--http 'crm={"reservation":{"status":"confirmed"}}'`)
})

t.test('a data condition with gt: values on either side', async (t) => {
  const directory = directoryOf(`
name: big
steps:
  A:
    - http: { name: shop, url: 'shop:/orders/{{caller}}' }
    - branch:
        - if: { data: { path: shop.total, gt: 100000 } }
          goto: B
  B:
    - tag: big-spender
`)
  const out = await enumeratePaths({ directory, at: Date.parse(MONDAY_10), region: 'KR', maxPaths: 50 })
  t.same(
    out.paths.map((p) => `${p.steps.join(' ')} | ${(p.inputs.http ?? []).join(' ')}`),
    ['A B | shop={"total":100001}', 'A | shop={"total":100000}'],
  )
})

t.test('a field condition with gt/lt: digits on either side', async (t) => {
  const directory = directoryOf(`
name: guests
steps:
  A:
    - collect: { prompt: { say: 'How many?' }, field: guests, maxDigits: 2 }
    - branch:
        - if: { field: { name: guests, gt: 6 } }
          goto: B
  B:
    - tag: large
`)
  const out = await enumeratePaths({ directory, at: Date.parse(MONDAY_10), region: 'KR', maxPaths: 50 })
  t.same(
    out.paths.map((p) => `${p.steps.join(' ')} | ${p.inputs.keys}`),
    ['A | 1#', 'A B | 7#'],
  )
})

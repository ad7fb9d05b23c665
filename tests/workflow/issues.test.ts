import t from 'tap'
import { describeIssues, formatDiagnostic, formatPath } from '../../lib/workflow/issues.js'
import { Action, Workflow } from '../../lib/workflow/schema.js'

t.test('paths: keys joined with dots, indices in brackets, odd keys quoted', async (t) => {
  t.equal(formatPath(['steps', 'B', 0, 'menu', 'options', '1']), 'steps.B[0].menu.options.1')
  t.equal(formatPath(['steps', 'B', 0, 'menu', 'options', '*']), 'steps.B[0].menu.options.*')
  t.equal(formatPath(['weekly', 'sat,sun', 2]), 'weekly["sat,sun"][2]')
  t.equal(formatPath(['a b']), '["a b"]')
  t.equal(formatPath([]), '')
})

t.test('diagnostic lines', async (t) => {
  const base = { file: 'r.yaml', path: 'steps.B[0].menu.options.1', message: 'unknown step "Z"' }
  t.equal(
    formatDiagnostic({ severity: 'error', document: 'workflow r', ...base }),
    'r.yaml: workflow r: steps.B[0].menu.options.1: unknown step "Z"',
  )
  t.equal(
    formatDiagnostic({ severity: 'warning', document: 'workflow r', ...base }),
    'r.yaml: workflow r: steps.B[0].menu.options.1: warning: unknown step "Z"',
  )
  t.equal(
    formatDiagnostic({ severity: 'error', file: 'r.yaml', path: '', message: 'bad', line: 3, column: 7 }),
    'r.yaml:3:7: bad',
  )
  t.equal(
    formatDiagnostic({ severity: 'error', file: 'r.yaml', path: '', message: 'odd \u001b[31m\nline' }),
    'r.yaml: odd \\u001b[31m\\u000aline',
  )
})

const describe = (schema: typeof Action | typeof Workflow, input: unknown) => {
  const r = schema.safeParse(input)
  if (r.success) throw new Error('expected a failure')
  return describeIssues(r.error.issues, input).map((p) => `${p.path}: ${p.message}`)
}

t.test('an action reports the branch its key names', async (t) => {
  t.same(describe(Action, { collect: { prompt: { say: 'n' }, field: 'f', minDigits: 0 } }), [
    'collect.minDigits: must be at least 1',
  ])
  t.same(describe(Action, { sms: { txt: 'hi' } }), ['sms.text: required', 'sms: unknown key "txt"'])
  t.same(describe(Action, { connect: 5 }), ['connect: expected null or an object, found 5'])
  t.same(describe(Action, { tag: 'two words' }), ['tag[0]: must be one word'])
})

t.test('conditions and prompts nested in a workflow', async (t) => {
  const input = {
    name: 'w',
    filter: { not: { any: [{ caller: { prefix: '010' } }, { dialled: { prefix: '02' } }] } },
    steps: { A: [{ hangup: { message: { speak: 'bye' } } }] },
  }
  t.same(describe(Workflow, input), [
    'filter.not.any[1]: unknown condition "dialled" (expected one of open, closed, caller, dialed, field, contact, team, data, all, any, not)',
    'steps.A[0].hangup.message: unknown prompt "speak" (expected one of say, play)',
  ])
})

t.test('schema-written messages are kept', async (t) => {
  t.same(describe(Action, { message: { say: 'costs ${x}' } }), [
    'message.say: must not contain "${" (FreeSWITCH expands it)',
  ])
})

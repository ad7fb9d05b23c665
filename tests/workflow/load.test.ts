import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { documentsOf, loadFile, loadFiles, loadString } from '../../lib/workflow/load.js'
import { formatDiagnostic } from '../../lib/workflow/issues.js'

const dir = mkdtempSync(join(tmpdir(), 'ivr-load-'))
const lines = (r: { diagnostics: Parameters<typeof formatDiagnostic>[0][] }) => r.diagnostics.map(formatDiagnostic)

t.test('a YAML syntax error names the file, line and column', async (t) => {
  const r = loadString('name: x\nsteps:\n  A:\n    - goto: [B\n  C: {}\n', 'broken.yaml')
  t.same(lines(r), [
    'broken.yaml:5:3: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ])
  t.equal(r.workflows.length, 0)
})

t.test('duplicate keys are errors', async (t) => {
  const r = loadString('name: x\nname: y\nsteps: { A: [{ hangup: }] }\n', 'dup.yaml')
  t.same(lines(r), ['dup.yaml:2:1: Map keys must be unique'])
})

t.test('numbers with a leading zero stay text; other numbers stay numbers', async (t) => {
  const r = loadString(
    [
      'name: zeros',
      'filter: { caller: { in: [01012345678, +0123, -007, 10] } }',
      'steps: { A: [{ sms: { to: 01012345678, text: "hi" } }] }',
      '---',
      'kind: contact',
      'number: 01012345678',
      'attributes: { code: 00123, plain: 123, hex: 0x1F }',
    ].join('\n'),
    'zeros.yaml',
  )
  t.same(lines(r), [])
  const w = r.workflows[0]!.value
  t.same(w.filter, { caller: { in: ['01012345678', '+0123', '-007', '10'] } })
  t.same(w.steps.A, [{ sms: { to: '01012345678', text: 'hi' } }])
  // `Text` turns numbers into strings: 123 and 0x1F (31) arrive as numbers, 00123 as written.
  t.same(r.contacts[0]!.value.attributes, { code: '00123', plain: '123', hex: '31' })
  t.equal(r.contacts[0]!.value.number, '01012345678')
})

t.test('documents keep their kind, file, index and starting line', async (t) => {
  const text = [
    '# comment',
    'name: main',
    'steps: { A: [{ hangup: }] }',
    '---',
    '---',
    'kind: team',
    'name: support',
    '---',
    'kind: schedule',
    'name: hours',
    'timezone: UTC',
    'weekly: {}',
    '---',
    'kind: agent',
    'name: alice',
    'dial: user/1001',
    '---',
    'kind: contact',
    'number: "+821012345678"',
    '---',
  ].join('\n')
  const r = loadString(text, 'all.yaml')
  t.same(lines(r), [])
  t.same(r.workflows[0]!.source, { file: 'all.yaml', index: 0, line: 2 })
  t.same(r.teams[0]!.source, { file: 'all.yaml', index: 2, line: 6 })
  t.same(r.schedules[0]!.source, { file: 'all.yaml', index: 3, line: 9 })
  t.same(r.agents[0]!.source, { file: 'all.yaml', index: 4, line: 14 })
  t.same(r.contacts[0]!.source, { file: 'all.yaml', index: 5, line: 18 })
  // Defaults applied by the schema.
  t.equal(r.workflows[0]!.value.trigger, 'incoming')
  t.equal(r.teams[0]!.value.strategy, 'simultaneous')
  const plain = documentsOf(r)
  t.same(plain.teams, [{ kind: 'team', name: 'support', strategy: 'simultaneous', ringSeconds: 20 }])
  t.equal(plain.workflows[0], r.workflows[0]!.value)
})

t.test('JSON: one document or a list, strict syntax, by extension or by sniffing', async (t) => {
  const one = loadString('{ "name": "j", "steps": { "A": [{ "hangup": null }] } }', 'one.json')
  t.same(lines(one), [])
  t.equal(one.workflows[0]!.value.name, 'j')

  const list = loadString('[\n  { "kind": "team", "name": "a" },\n  { "kind": "team", "name": "b" }\n]', 'list.json')
  t.same(
    list.teams.map((d) => d.source),
    [
      { file: 'list.json', index: 0, line: 2 },
      { file: 'list.json', index: 1, line: 3 },
    ],
  )

  const strict = loadString('{ "kind": "team", "name": "a", "ringSeconds": 020 }', 'strict.json')
  t.same(lines(strict), ['strict.json:1:47: Unresolved plain scalar "020"'])

  const sniffed = loadString('  {"kind": "team", "name": "s"}', 'team.conf')
  t.equal(sniffed.teams[0]!.value.name, 's')

  const dup = loadString('{"kind": "team", "name": "a", "name": "b"}', 'dup.json')
  t.same(lines(dup), ['dup.json:1:31: Map keys must be unique'])
})

t.test('schema problems name the document and the path', async (t) => {
  const r = loadString(
    'name: bad\nsteps:\n  A:\n    - goto: B\n  B:\n    - menu: { prompt: { say: "x" } }\n',
    'bad.yaml',
  )
  t.same(lines(r), ['bad.yaml: workflow bad: steps.B[0].menu.options: required'])
  t.same(r.rejected, [{ kind: 'workflow', name: 'bad', source: { file: 'bad.yaml', index: 0, line: 1 } }])
})

t.test('a document without a usable name is called by its number', async (t) => {
  const r = loadString('kind: team\nname: "a\\nb"\n---\nkind: team\n', 'noname.yaml')
  t.same(lines(r), [
    'noname.yaml: document 1: name: must be lowercase letters, digits and "-"',
    'noname.yaml: document 2: name: required',
  ])
})

t.test('aliases that expand too much are refused, not thrown', async (t) => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 8; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    )
  const r = loadString(bomb.join('\n'), 'bomb.yaml')
  t.equal(r.diagnostics.length, 1)
  t.match(formatDiagnostic(r.diagnostics[0]!), /^bomb\.yaml:1:1: .*alias/i)
})

t.test('an empty file gives a warning', async (t) => {
  t.same(lines(loadString('# nothing here\n', 'empty.yaml')), ['empty.yaml: warning: no documents in this file'])
  t.same(lines(loadString('[]', 'empty.json')), ['empty.json: warning: no documents in this file'])
})

t.test('files: missing, directory, too large, and the order kept', async (t) => {
  const a = join(dir, 'a.yaml')
  const b = join(dir, 'b.yml')
  writeFileSync(a, 'kind: team\nname: a\n')
  writeFileSync(b, '\uFEFFkind: team\nname: b\n')
  const r = await loadFiles([a, join(dir, 'missing.yaml'), dir, b])
  t.same(
    r.teams.map((d) => d.value.name),
    ['a', 'b'],
  )
  t.same(lines(r), [`${join(dir, 'missing.yaml')}: cannot read: no such file`, `${dir}: cannot read: is a directory`])

  const big = join(dir, 'big.yaml')
  writeFileSync(big, `# ${'x'.repeat(5 * 1024 * 1024)}\n`)
  t.match(lines(await loadFile(big))[0], /big\.yaml: file too large/)
})

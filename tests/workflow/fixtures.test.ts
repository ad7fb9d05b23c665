/**
 * One fixture per rule: each file in fixtures/invalid/ ends with the exact lines validation must
 * print for it (`# expect: LINE`), in order. (Files that are not valid YAML are named .txt, which
 * prettier skips; the loader reads them as YAML.) Files in fixtures/valid/ and the shipped recipes
 * must give no diagnostic at all.
 */
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadString } from '../../lib/workflow/load.js'
import { formatDiagnostic, validateDocuments } from '../../lib/workflow/validate.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const fixtures = join(here, 'fixtures')

function lines(dir: string, file: string): string[] {
  const loaded = loadString(readFileSync(join(dir, file), 'utf8'), file)
  return [...loaded.diagnostics, ...validateDocuments(loaded)].map(formatDiagnostic)
}

const invalid = join(fixtures, 'invalid')
for (const file of readdirSync(invalid).sort()) {
  t.test(`invalid/${file}`, async (t) => {
    const text = readFileSync(join(invalid, file), 'utf8')
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1])
    t.ok(expected.length > 0, 'the fixture says what it expects')
    t.same(lines(invalid, file), expected)
  })
}

const valid = join(fixtures, 'valid')
for (const file of readdirSync(valid).sort()) {
  t.test(`valid/${file}`, async (t) => {
    t.same(lines(valid, file), [])
  })
}

const recipes = join(here, '..', '..', 'recipes')
for (const file of readdirSync(recipes).filter((f) => f.endsWith('.yaml'))) {
  t.test(`recipes/${file}`, async (t) => {
    t.same(lines(recipes, file), [])
  })
}

t.test('every rule has its fixture', async (t) => {
  const documented = readFileSync(join(here, '..', '..', 'docs', 'validation.md'), 'utf8')
  for (const file of readdirSync(invalid))
    t.match(documented, `fixtures/invalid/${file}`, `docs/validation.md cites ${file}`)
})

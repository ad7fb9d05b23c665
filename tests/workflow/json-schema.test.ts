import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import { documentSchema, SCHEMA_ID } from '../../lib/workflow/json-schema.js'
import { check } from './json-schema-check.js'

const schema = documentSchema()
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8')
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown)

t.test('a draft 2020-12 schema with an id, a title and one branch per kind', async (t) => {
  t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
  t.equal(schema.$id, SCHEMA_ID)
  t.type(schema.title, 'string')
  t.same(
    schema.oneOf,
    ['workflow', 'schedule', 'team', 'agent', 'contact'].map((k) => ({ $ref: `#/$defs/${k}` })),
  )
  // What editors read is JSON: it survives a round trip unchanged.
  t.same(JSON.parse(JSON.stringify(schema)), schema)
  t.notMatch(JSON.stringify(schema), /"allOf"/, 'no allOf left to trip over additionalProperties')
})

t.test('the DESIGN.md example and the other valid fixtures conform', async (t) => {
  for (const name of ['valid/reservations.yaml', 'valid/queued.yaml'])
    for (const [i, doc] of docs(fixture(name)).entries()) t.same(check(schema, doc), [], `${name} document ${i + 1}`)
  for (const doc of JSON.parse(fixture('valid/reservations.json')) as unknown[]) t.same(check(schema, doc), [])
})

t.test('shape mistakes fail it', async (t) => {
  const failing: unknown[] = [
    { name: 'x', steps: { A: [{ bogus: {} }] } },
    { name: 'x', steps: { A: [{ menu: { prompt: { say: 'hi' }, options: { '1': 'A' }, timeoutSeconds: 0 } }] } },
    { name: 'x', steps: { A: [{ branch: [{ if: { field: { name: 'f', equal: '1' } }, goto: 'A' }] }] } },
    { kind: 'team', name: 'support', strategy: 'loudest' },
    { kind: 'robot', name: 'r2' },
    { kind: 'schedule', name: 's', timezone: 'UTC', weekly: { someday: [] } },
  ]
  for (const doc of failing) t.not(check(schema, doc).length, 0, JSON.stringify(doc))
  t.same(
    check(schema, { name: 'x', steps: { A: [{ branch: [{ if: { field: { name: 'f', equals: 1 } }, goto: 'A' }] }] } }),
    [],
  )
})

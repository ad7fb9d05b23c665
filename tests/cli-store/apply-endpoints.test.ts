/** `apply --config` and `workflow validate --config`: http actions may name only the routers' endpoints. */
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli } from '../helpers/cli.js'
import { dbKind, testDatabase } from '../helpers/db.js'

const RECIPE = 'recipes/reservation-lookup.yaml'
const dir = mkdtempSync(join(tmpdir(), 'ivr-endpoints-'))
const withShop = join(dir, 'shop.yaml')
writeFileSync(withShop, 'endpoints:\n  shop: { url: "http://127.0.0.1:9000/api" }\n')
const withCrm = join(dir, 'crm.yaml')
writeFileSync(withCrm, 'endpoints:\n  crm: { url: "https://crm.example.com/api", secret: "0123456789abcdef" }\n')
const REFUSED =
  'recipes/reservation-lookup.yaml: workflow reservation-lookup: steps.ask-number[1].http.url: unknown endpoint "crm" (configured: shop): workflows may call only the endpoints of the router\'s configuration'

t.test('workflow validate --config', async (t) => {
  const refused = await cli(['workflow', 'validate', RECIPE, '--config', withShop])
  t.equal(refused.code, 1)
  t.same(refused.stderr.trim().split('\n'), [REFUSED, '1 error in 1 file'])
  const valid = await cli(['workflow', 'validate', RECIPE, '--config', withCrm])
  t.equal(valid.code, 0, valid.stderr)
})

t.test(`apply --config (${dbKind})`, async (t) => {
  const { env } = await testDatabase(t)
  const run = (...args: string[]) => cli(args, env)
  t.equal((await run('db', 'migrate')).code, 0)
  const refused = await run('apply', RECIPE, '--config', withShop)
  t.not(refused.code, 0)
  t.match(refused.stderr, REFUSED)
  t.match(refused.stderr, 'nothing applied: 1 error')
  const applied = await run('apply', RECIPE, '--config', withCrm)
  t.equal(applied.code, 0, applied.stderr)
  t.match(applied.stdout, 'workflow reservation-lookup: created as version 1')
})

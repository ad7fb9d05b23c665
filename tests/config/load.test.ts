/** The loader in-process: file shapes, switches, the option table against the flags and the docs. */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { addConfigFlags } from '../../lib/config/flags.js'
import { ConfigInvalid, loadConfig, shownValue } from '../../lib/config/load.js'
import { OPTION_KEYS, OPTIONS, flagName } from '../../lib/config/options.js'
import { splitStorageMap } from '../../lib/config/parsers.js'
import { configTable } from '../../lib/config/table.js'

const dir = mkdtempSync(join(tmpdir(), 'ivr-config-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function problems(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigInvalid) return err.problems
    throw err
  }
  return []
}

t.test('file shapes', async (t) => {
  const list = file('list.yaml', '- drainSeconds: 3\n')
  t.same(
    problems(() => loadConfig({ flags: {}, env: {}, file: list })),
    [`${list}: expected a mapping of settings (key: value)`],
  )
  const broken = file('broken.yaml', 'drainSeconds: [1\n')
  t.match(
    problems(() => loadConfig({ flags: {}, env: {}, file: broken })),
    [new RegExp(`^${broken}: not YAML: `)],
  )
  const empty = file('empty.yaml', '# nothing set\n')
  t.equal(loadConfig({ flags: {}, env: {}, file: empty }).config.drainSeconds, 30, 'an empty file sets nothing')
  const typed = file('typed.yaml', 'drainSeconds: 2.5\npretty: yes\nmetrics: "127.0.0.1:0"\n')
  const loaded = loadConfig({ flags: {}, env: { IVR_PRETTY: ' ' }, file: typed })
  t.same([loaded.config.drainSeconds, loaded.config.pretty, loaded.config.metrics], [2.5, true, '127.0.0.1:0'])
  t.equal(loaded.sources.pretty.source, 'file', 'an empty variable counts as unset')
})

t.test('a bad database URL is reported without its password', async (t) => {
  t.same(
    problems(() => loadConfig({ flags: {}, env: { DATABASE_URL: 'mysql://u:hunter2@db/x' } })),
    ['DATABASE_URL: expected postgres://USER@HOST:PORT/DATABASE, got "mysql://u:****@db/x"'],
  )
  t.equal(shownValue({ secret: true }, 'webhook-token-123'), '****', 'a secret that is not a URL is hidden whole')
  t.equal(shownValue({ secret: true }, undefined), undefined)
})

t.test("FreeSWITCH's storage: the same path, or where this machine mounts it; absolute paths only", async (t) => {
  const storage = (value: string) => loadConfig({ flags: {}, env: { IVR_FREESWITCH_STORAGE: value } }).config
  t.equal(storage('/var/lib/freeswitch/storage').freeswitchStorage, '/var/lib/freeswitch/storage')
  t.same(splitStorageMap('/var/lib/freeswitch/storage'), {
    freeswitch: '/var/lib/freeswitch/storage',
    local: '/var/lib/freeswitch/storage',
  })
  t.same(splitStorageMap('/usr/local/freeswitch/storage=/mnt/fs'), {
    freeswitch: '/usr/local/freeswitch/storage',
    local: '/mnt/fs',
  })
  for (const bad of ['storage', '/a=b', '/a=/b=/c', '=/b'])
    t.same(
      problems(() => storage(bad)),
      [`IVR_FREESWITCH_STORAGE: expected DIR or DIR=LOCAL, absolute paths, got ${JSON.stringify(bad)}`],
    )
})

t.test('every setting has a flag named after its key, and its own variable', async (t) => {
  const envs = new Set<string>()
  for (const key of OPTION_KEYS) {
    const camel = flagName(OPTIONS[key]).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    t.equal(camel, key, `--${flagName(OPTIONS[key])} is the flag of ${key}`)
    t.notOk(envs.has(OPTIONS[key].env), `${OPTIONS[key].env} used once`)
    envs.add(OPTIONS[key].env)
    t.doesNotThrow(() => OPTIONS[key].default === undefined || OPTIONS[key].parse.parse(OPTIONS[key].default))
  }
  const command = addConfigFlags(new Command('x').exitOverride())
  command.parse(['--drain-seconds', '7', '--no-pretty'], { from: 'user' })
  const opts = command.opts()
  t.equal(opts.drainSeconds, '7')
  t.equal(opts.pretty, false)
  t.equal(opts.listen, undefined, 'flags have no commander default: the loader sees what was given')
})

t.test('docs/operations.md carries the table generated from the declarations', async (t) => {
  const cells = (table: string) =>
    table
      .split('\n')
      .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
      .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()))
  const docs = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')
  const start = docs.indexOf('| File key')
  t.ok(start > 0, 'the table is there')
  const end = docs.indexOf('\n\n', start)
  t.same(
    cells(docs.slice(start, end)),
    cells(configTable()),
    'regenerate it with: node --import tsx -e "…configTable()"',
  )
})

t.test(
  'endpoints: a mapping in the file or JSON in the variable, each problem at its path, secrets masked',
  async (t) => {
    const good = file(
      'endpoints.yaml',
      'endpoints:\n  crm:\n    url: https://crm.example.com/api/\n    headers: {Authorization: Bearer abc}\n    secret: 0123456789abcdef0123\n',
    )
    const loaded = loadConfig({ flags: {}, env: {}, file: good })
    t.same(loaded.config.endpoints, {
      crm: {
        url: 'https://crm.example.com/api',
        headers: { Authorization: 'Bearer abc' },
        secret: '0123456789abcdef0123',
        maxBytes: 65536,
      },
    })
    t.same(shownValue(OPTIONS.endpoints, loaded.config.endpoints), {
      crm: { url: 'https://crm.example.com/api', headers: { Authorization: '****' }, secret: '****', maxBytes: 65536 },
    })
    const fromEnv = loadConfig({ flags: {}, env: { IVR_ENDPOINTS: '{"shop": {"url": "http://127.0.0.1:9000"}}' } })
    t.same(Object.keys(fromEnv.config.endpoints), ['shop'])
    t.same(loadConfig({ flags: {}, env: {} }).config.endpoints, {}, 'none by default')

    const bad = file(
      'bad-endpoints.yaml',
      'endpoints:\n  crm:\n    url: ftp://x\n    secret: short\n  Bad_Name:\n    url: https://user:pw@x.example/\n',
    )
    const [problem] = problems(() => loadConfig({ flags: {}, env: {}, file: bad }))
    t.match(problem, `${bad}: endpoints: `)
    t.match(problem, 'crm.url: must be an http:// or https:// URL')
    t.match(problem, 'crm.secret: must be at least 16 characters')
    t.match(problem, 'Bad_Name: not a name: use lowercase letters, digits and "-"')
    t.notMatch(problem, 'pw', 'the values themselves are not repeated')
  },
)

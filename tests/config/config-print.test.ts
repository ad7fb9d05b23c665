/** `ivr-router config print` as a process: precedence flag > env > file > default, masking, and errors (exit 2). */
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli } from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'ivr-config-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

// Settings the test does not give must not come from the machine running it.
const clean = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => k.startsWith('IVR_') || k === 'DATABASE_URL')
    .map((k) => [k, '']),
)

type Shown = Record<string, { value: unknown; source: string; from?: string }>

t.test('flag over env over file over default; secrets masked', async (t) => {
  const config = file(
    'ivr-router.yaml',
    [
      'drainSeconds: 10   # flag, env and file: the flag wins',
      'region: US         # env and file: env wins',
      'holdMusic: local_stream://jazz',
      'allow: [10.0.0.5, 10.1.0.0/16]',
      'redactNumbers: true',
      'smsWebhookSecret: hmac-key-never-shown',
      '',
    ].join('\n'),
  )
  const r = await cli(['config', 'print', '--config', config, '--json', '--drain-seconds', '5'], {
    ...clean,
    IVR_DRAIN_SECONDS: '20',
    IVR_REGION: 'jp',
    DATABASE_URL: 'postgres://ivr:s3cret-pw@db.example.com:5432/ivr',
  })
  t.equal(r.code, 0, r.stderr)
  const shown = JSON.parse(r.stdout) as Shown
  t.same(shown.drainSeconds, { value: 5, source: 'flag' })
  t.same(shown.region, { value: 'JP', source: 'env', from: 'IVR_REGION' })
  t.same(shown.holdMusic, { value: 'local_stream://jazz', source: 'file', from: config })
  t.same(shown.allow, { value: ['10.0.0.5', '10.1.0.0/16'], source: 'file', from: config })
  t.same(shown.redactNumbers, { value: true, source: 'file', from: config })
  t.same(shown.listen, { value: '127.0.0.1:8084', source: 'default' })
  t.same(shown.metrics, { value: null, source: 'default' })
  t.same(shown.databaseUrl, {
    value: 'postgres://ivr:****@db.example.com:5432/ivr',
    source: 'env',
    from: 'DATABASE_URL',
  })
  t.notMatch(r.stdout, /s3cret/, 'the password appears nowhere')
  t.same(shown.smsWebhookSecret, { value: '****', source: 'file', from: config })
  t.notMatch(r.stdout, /hmac-key/, 'nor the webhook secret')

  const text = await cli(['config', 'print', '--config', config, '--no-redact-numbers'], {
    ...clean,
    DATABASE_URL: 'postgres://ivr:s3cret-pw@db.example.com:5432/ivr',
  })
  t.equal(text.code, 0, text.stderr)
  t.match(text.stdout, /^redactNumbers\s+false\s+flag$/m, 'a switch turned off on the command line')
  t.match(text.stdout, /^region\s+US\s+file /m)
  t.match(text.stdout, /^databaseUrl\s+postgres:\/\/ivr:\*\*\*\*@db\.example\.com:5432\/ivr\s+env DATABASE_URL$/m)
  t.notMatch(text.stdout, /s3cret/)
})

t.test('unknown keys and bad values are refused with the key named, exit 2', async (t) => {
  const config = file('bad.yaml', 'drainSeconds: abc\nmetricz: 127.0.0.1:9464\nallow: [10.0.0.0/33]\n')
  const r = await cli(['config', 'print', '--config', config, '--region', 'XX'], { ...clean, IVR_LISTEN: 'nowhere' })
  t.equal(r.code, 2)
  t.equal(r.stdout, '')
  t.match(r.stderr, `ivr-router: ${config}: metricz: unknown key (did you mean metrics?)\n`)
  t.match(r.stderr, `ivr-router: ${config}: drainSeconds: expected a number ≥ 0, got "abc"\n`)
  t.match(r.stderr, `ivr-router: ${config}: allow: "10.0.0.0/33" is not an address or CIDR block`)
  t.match(r.stderr, 'ivr-router: IVR_LISTEN: expected HOST:PORT, e.g. 127.0.0.1:8084, got "nowhere"\n')
  t.match(r.stderr, 'ivr-router: --region: expected a country code such as KR, got "XX"\n')
})

t.test('an unreadable file is refused, exit 2', async (t) => {
  const missing = join(dir, 'missing.yaml')
  const r = await cli(['config', 'print'], { ...clean, IVR_CONFIG: missing })
  t.equal(r.code, 2)
  t.equal(r.stderr, `ivr-router: ${missing}: cannot read: ENOENT\n`)
})

t.test('serve refuses a bad setting before it starts', async (t) => {
  const r = await cli(['serve', 'recipes/callback-when-busy.yaml'], { ...clean, IVR_DRAIN_SECONDS: '-1' })
  t.equal(r.code, 2)
  t.equal(r.stderr, 'ivr-router: IVR_DRAIN_SECONDS: expected a number ≥ 0, got "-1"\n')
})

/**
 * The http action end to end: the real server, the FreeSWITCH simulator over real sockets, and a loopback HTTP
 * server as the company's system. Success (a data-driven branch and a data-filled say), timeout (hold music while
 * waiting, then `otherwise`), non-2xx, not JSON, oversize, a hostile value that reaches no command, and signatures
 * the receiver verifies.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EndpointClient } from '../../lib/endpoints/client.js'
import { Endpoints } from '../../lib/endpoints/endpoint.js'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../lib/endpoints/signature.js'
import type { CallEvent } from '../../lib/engine/record.js'
import { Media } from '../../lib/esl/media.js'
import { parseHttpScript, ScriptedRequests } from '../../lib/sim/requests.js'
import { serve } from '../helpers/serve.js'
import { run } from '../helpers/sim.js'

const SECRET = 'correct-horse-battery-staple'

type Seen = { method: string; url: string; body: string; verified: boolean; authorization: string | undefined }
const seen: Seen[] = []
const hanging = new Set<ServerResponse>()

const RESERVATION = {
  reservation: { status: 'confirmed', date: '2026-12-08', time: '19:00', guests: 4 },
  customer: { name: 'Kim\r\nexecute-app-name: hangup\r\n${system(id)}', phone: '010-9999-8888' },
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = ''
  for await (const chunk of req) body += String(chunk)
  const url = req.url ?? ''
  seen.push({
    method: req.method ?? '',
    url,
    body,
    authorization: req.headers.authorization,
    verified: verifyRequest(
      SECRET,
      { timestamp: String(req.headers[TIMESTAMP_HEADER.toLowerCase()]), method: req.method ?? '', target: url, body },
      req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
    ),
  })
  const route = /^\/api\/r\/(\d)/.exec(url)?.[1]
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(value))
  }
  if (route === '1') return json(200, RESERVATION)
  if (route === '2') return void hanging.add(res) // never answers
  if (route === '3') return json(503, { error: 'down' })
  if (route === '4') {
    res.writeHead(200, { 'content-type': 'text/html' })
    return void res.end('<html>maintenance</html>')
  }
  if (route === '5') return json(200, { blob: 'x'.repeat(5000) })
  if (route === '6') return json(200, { reservation: { status: 'cancelled' } })
  if (route === '7') return json(200, { echo: JSON.parse(body) as unknown })
  json(404, {})
}

const http = createServer((req, res) => void handle(req, res))
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
const httpPort = (http.address() as AddressInfo).port
t.teardown(async () => {
  for (const res of hanging) res.destroy()
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
})

const FLOW = `
name: lookup
steps:
  ask:
    - collect: { prompt: { say: 'Which one?' }, field: kind, minDigits: 1, maxDigits: 1, endKey: none }
    - http:
        name: crm
        url: 'crm:/r/{{fields.kind}}'
        query: { caller: '{{caller}}' }
        timeoutSeconds: 1.5
        otherwise: sorry
    - branch:
        - if: { data: { path: crm.reservation.status, equals: confirmed } }
          goto: confirmed
    - hangup: { message: { say: 'No confirmed reservation.' } }
  confirmed:
    - message: { say: '{{data.crm.customer.name}}, your table for {{data.crm.reservation.guests}} on {{data.crm.reservation.date | date:en}} at {{data.crm.reservation.time | time:en}} is confirmed.' }
    - hangup:
  sorry:
    - hangup: { message: { say: 'Sorry, we cannot check now.' } }
`

// A port nothing listens on: taken, then given back.
const probe = createServer()
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
const closedPort = (probe.address() as AddressInfo).port
await new Promise((resolve) => probe.close(resolve))

const endpoints = Endpoints.parse({
  crm: {
    url: `http://127.0.0.1:${httpPort}/api`,
    headers: { Authorization: 'Bearer test-token' },
    secret: SECRET,
    maxBytes: 2048,
  },
  closed: { url: `http://127.0.0.1:${closedPort}` },
})
const observed: string[] = []
const s = await serve(
  FLOW,
  {},
  {
    requests: new EndpointClient(endpoints, {
      observe: (endpoint, outcome) => observed.push(`${endpoint} ${outcome}`),
    }),
  },
)
t.teardown(s.close)

const httpEvent = (events: CallEvent[] | undefined) => events?.find((e) => e.type === 'http')
const appsOf = (sim: Awaited<ReturnType<typeof s.call>>['sim']) =>
  sim.apps.map((a) => `${a.name} ${a.arg ?? ''}`.trim())

t.test('success: signed request, the data-driven branch and the data-filled say', async (t) => {
  seen.length = 0
  const { sim, record } = await s.call({ keys: ['1'] })
  t.equal(record?.outcome, 'hangup')
  t.same(record?.steps, ['ask', 'confirmed'])
  t.match(httpEvent(record?.events), {
    result: 'ok',
    status: 200,
    values: {
      'reservation.status': 'confirmed',
      'reservation.guests': '4',
      'customer.name': 'Kim  execute-app-name: hangup  system(id)}',
    },
  })
  t.notMatch(JSON.stringify(record), '010-9999-8888', 'a value the workflow does not use is not stored')
  t.same(
    seen.map((r) => [r.method, r.url, r.verified, r.authorization]),
    [['GET', '/api/r/1?caller=%2B821012345678', true, 'Bearer test-token']],
  )
  const said = record?.events.flatMap((e) => (e.type === 'message' ? [e.prompt] : []))
  t.same(said, [
    'say "Kim  execute-app-name: hangup  system(id)}, your table for 4 on Tuesday, December 8th at 7 PM is confirmed."',
  ])
  // The hostile name reached the TTS text, never a command: every command the switch got is free of it.
  for (const c of sim.commands) {
    t.notMatch(c.raw, 'system(id)', 'no command carries the response value')
    t.notMatch(c.raw, '${system', 'no expansion')
  }
  t.ok(
    appsOf(sim).some((a) => /^playback \/var\/tts\/\d+\.wav$/.test(a)),
    'the filled say is played as a rendered file',
  )
  t.same(sim.dangerous, [], 'the switch expanded no API call')
})

t.test('timeout: hold music while waiting, then the otherwise step', async (t) => {
  const { sim, record } = await s.call({ keys: ['2'] })
  t.same(record?.steps, ['ask', 'sorry'])
  t.match(httpEvent(record?.events), { result: 'timeout', held: true, goto: 'sorry' })
  const apps = appsOf(sim)
  const hold = apps.indexOf('playback local_stream://moh')
  t.ok(hold > apps.indexOf(apps.find((a) => a.startsWith('play_and_get_digits'))!), 'hold music after the question')
  t.ok(hold >= 0 && hold < apps.length - 1, 'then the sorry message plays')
  t.ok(
    sim.commands.some((c) => c.command.includes('uuid_break')),
    'the hold music is broken off when the request gives up',
  )
})

t.test('non-2xx, not JSON and oversize go to otherwise with their reason', async (t) => {
  for (const [key, result, status] of [
    ['3', 'status', 503],
    ['4', 'not-json', 200],
    ['5', 'too-large', 200],
  ] as const) {
    const { record } = await s.call({ keys: [key] })
    t.same(record?.steps, ['ask', 'sorry'], result)
    t.match(httpEvent(record?.events), { result, status, goto: 'sorry' }, result)
  }
})

t.test('a response the branch does not accept: the call goes on', async (t) => {
  const { record } = await s.call({ keys: ['6'] })
  t.same(record?.steps, ['ask'])
  t.match(httpEvent(record?.events), { result: 'ok', values: { 'reservation.status': 'cancelled' } })
})

t.test('the caller hanging up while waiting ends the call and cancels the request', async (t) => {
  const { record } = await s.call({ keys: ['2'], hangup: { duringAppNamed: 'playback', afterMs: 100 } })
  t.equal(record?.outcome, 'abandoned')
  t.same(record?.steps, ['ask'])
})

t.test('the metrics observer saw each request with its result', async (t) => {
  t.same(observed, ['crm ok', 'crm timeout', 'crm status', 'crm not-json', 'crm too-large', 'crm ok', 'crm cancelled'])
})

t.test('connection refused and an unknown endpoint, from the client itself', async (t) => {
  const client = new EndpointClient(endpoints)
  const signal = new AbortController().signal
  const base = { name: 'x', method: 'GET', target: '/', timeoutMs: 2000, signal } as const
  t.match(await client.request({ ...base, endpoint: 'closed' }), { ok: false, reason: 'refused' })
  t.match(await client.request({ ...base, endpoint: 'nope' }), { ok: false, reason: 'unknown-endpoint' })
  t.match(await client.request({ ...base, endpoint: 'constructor' }), { ok: false, reason: 'unknown-endpoint' })
  t.match(await client.request({ ...base, endpoint: 'crm', target: '/../../etc' }), {
    ok: false,
    reason: 'unknown-endpoint',
    message: 'the path leaves the endpoint',
  })
})

t.test('a per-call text that takes long to render: hold music until it is ready, then the prompt', async (t) => {
  // A TTS engine slower than a moment for the filled text (a new text is not in the cache yet).
  const slowRenderer = {
    render: async (text: string) => {
      if (text.includes('table')) await new Promise((resolve) => setTimeout(resolve, 1500))
      return `/var/tts/${Buffer.from(text).length}.wav`
    },
  }
  const slow = await serve(
    FLOW,
    {
      call: {
        media: new Media({ kind: 'render', renderer: slowRenderer }),
        region: 'KR',
        holdMusic: 'local_stream://moh',
        recordingsDir: '/tmp/ivr-router-test-recordings',
        minRecordingSeconds: 2,
      },
    },
    { requests: new EndpointClient(endpoints) },
  )
  t.teardown(slow.close)
  const { sim, record } = await slow.call({ keys: ['1'] })
  t.same(record?.steps, ['ask', 'confirmed'])
  const apps = appsOf(sim)
  const hold = apps.indexOf('playback local_stream://moh')
  const prompt = apps.findIndex((a) => /^playback \/var\/tts\/\d+\.wav$/.test(a))
  t.ok(hold >= 0 && hold < prompt, `hold music, then the rendered prompt: ${apps.join(' | ')}`)
  t.ok(
    sim.commands.some((c) => c.command.includes('uuid_break')),
    'the hold music is broken off for the prompt',
  )
})

t.test('parity: the reservation recipe through simulate and through serve give the same call', async (t) => {
  const recipe = readFileSync(new URL('../../recipes/reservation-lookup.yaml', import.meta.url), 'utf8')
  const answer = `crm=${JSON.stringify(RESERVATION)}`
  for (const [name, http, keys] of [
    ['read back', answer, ['1', '123456']],
    ['lookup failed', 'crm=error', ['1', '123456']],
    ['not found', 'crm={}', ['1', '123456']],
  ] as const) {
    // Now, as serve's clock: a date's year is said only when it is not the current one.
    const simulated = await run(recipe, {
      keys: [...keys],
      http: [http],
      connect: ['answer'],
      at: new Date().toISOString(),
    })
    const served = await serve(recipe, {}, { requests: new ScriptedRequests(new Map([parseHttpScript(http)])) })
    t.teardown(served.close)
    const { record } = await served.call({ keys: [...keys], bridges: ['answer'] })
    const pick = (r: typeof record) => ({
      outcome: r?.outcome,
      steps: r?.steps,
      sms: r?.sms,
      said: r?.events.flatMap((e) => (e.type === 'message' ? [e.prompt] : [])),
      http: r?.events.flatMap((e) => (e.type === 'http' ? [[e.result, e.values ?? null, e.goto ?? null]] : [])),
    })
    t.same(pick(record), pick(simulated.record), name)
  }
})

t.test('POST: placeholders JSON-escaped in the body, the body signed', async (t) => {
  const post = await serve(
    `
name: post
steps:
  A:
    - collect: { prompt: { say: 'Number?' }, field: no, minDigits: 3, maxDigits: 3 }
    - http:
        name: crm
        url: 'crm:/r/7'
        method: POST
        body: { no: '{{fields.no}}', text: 'say "hi" \\ {{caller}}', nested: { list: ['{{fields.no}}', 2, true] } }
    - hangup: { message: { say: 'Echo {{data.crm.echo.no | digits:en}}' } }
`,
    {},
    { requests: new EndpointClient(endpoints) },
  )
  t.teardown(post.close)
  seen.length = 0
  const { record } = await post.call({ keys: ['042'] })
  t.same(
    seen.map((r) => [r.method, r.url, r.verified, JSON.parse(r.body) as unknown]),
    [['POST', '/api/r/7', true, { no: '042', text: 'say "hi" \\ +821012345678', nested: { list: ['042', 2, true] } }]],
  )
  t.same(
    record?.events.flatMap((e) => (e.type === 'message' ? [e.prompt] : [])),
    ['say "Echo zero four two"'],
  )
})

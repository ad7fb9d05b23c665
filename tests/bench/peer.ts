/**
 * The peer baseline: the same fixed command script served by modesl's outbound `Server`, the way a modesl
 * application would write it (modesl itself sends `connect` and subscribes to `event json BACKGROUND_JOB
 * CHANNEL_EXECUTE_COMPLETE` before the script starts).
 *
 * `node --import tsx tests/bench/peer.ts SCRIPT.json PORT`
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { stepsFor, type FixedScript } from './fixed-script.js'

type EslEvent = { getHeader(name: string): string | undefined }
type Connection = {
  getInfo(): EslEvent
  sendRecv(command: string, args: Record<string, string> | null, cb: () => void): void
  api(command: string, args: string, cb: () => void): void
  execute(app: string, arg: string, cb: () => void): void
  once(event: string, cb: () => void): void
  on(event: string, cb: () => void): void
}
type ServerClass = new (
  opts: { host: string; port: number; myevents: boolean },
  ready: () => void,
) => { on(event: 'connection::ready', cb: (conn: Connection) => void): void; close(): void }

// modesl is CommonJS without types.
const { Server } = createRequire(import.meta.url)('modesl') as { Server: ServerClass }

const [scriptPath, portText] = process.argv.slice(2)
const script = JSON.parse(readFileSync(scriptPath!, 'utf8')) as FixedScript

async function serveCall(conn: Connection): Promise<void> {
  const uuid = conn.getInfo().getHeader('Unique-ID') ?? ''
  const closed = new Promise<void>((resolve) => conn.once('esl::end', resolve))
  let hangupComplete = false
  const hungUp = new Promise<void>((resolve) => conn.once(`esl::event::CHANNEL_HANGUP_COMPLETE::${uuid}`, resolve))
  void hungUp.then(() => (hangupComplete = true))
  for (const step of stepsFor(script, uuid)) {
    await new Promise<void>((done) => {
      switch (step.kind) {
        case 'execute':
          return conn.execute(step.app, step.arg ?? '', done)
        case 'api':
          return conn.api(step.command, step.args, done)
        case 'sendmsg':
          return conn.sendRecv('sendmsg', step.headers, done)
        case 'command':
          return conn.sendRecv(step.text, null, done)
        case 'exit':
          return void (hangupComplete ? Promise.resolve() : hungUp).then(() => conn.sendRecv('exit', null, done))
      }
    })
  }
  await closed
}

const server = new Server({ host: '127.0.0.1', port: Number(portText), myevents: false }, () =>
  process.stderr.write('peer listening\n'),
)
server.on('connection::ready', (conn) => {
  conn.on('error', () => {})
  serveCall(conn).catch((err: unknown) => process.stderr.write(`call failed: ${String(err)}\n`))
})
process.once('SIGTERM', () => server.close())

/**
 * The floor baseline: a minimal outbound Event Socket server that plays the fixed command script with esl-lite's
 * FreeSwitchParser and JSON.parse on every event, with no engine, no workflow and no records. Whatever the router
 * spends beyond this is the price of the engine.
 *
 * `node --import tsx tests/bench/floor.ts SCRIPT.json PORT`
 */
import { readFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { FreeSwitchParser } from 'esl-lite'
import { pino } from 'pino'
import { stepsFor, wireOf, type FixedScript } from './fixed-script.js'

const [scriptPath, portText] = process.argv.slice(2)
const script = JSON.parse(readFileSync(scriptPath!, 'utf8')) as FixedScript
const log = pino({ level: 'silent' })

type Waiter = {
  reply?: (() => void) | undefined
  complete?: { uuid: string; done: () => void } | undefined
  hangupComplete?: () => void
}

async function serveCall(socket: Socket): Promise<void> {
  socket.setNoDelay(true)
  const waiter: Waiter = {}
  let onChannel: ((uuid: string) => void) | undefined
  const reading = (async () => {
    for await (const frame of FreeSwitchParser(socket, log, { maxHeaderLength: 65536, maxContentLength: 8 << 20 })) {
      if (frame instanceof Error) return
      const type = frame.headers.get('Content-Type')
      if (type === 'text/event-json') {
        const event = JSON.parse(frame.body.toString('utf8')) as Record<string, string>
        const name = event['Event-Name']
        const complete = waiter.complete
        if (name === 'CHANNEL_EXECUTE_COMPLETE' && complete && event['Application-UUID'] === complete.uuid) {
          const { done } = complete
          waiter.complete = undefined
          done()
        } else if (name === 'CHANNEL_HANGUP_COMPLETE') waiter.hangupComplete?.()
      } else if (type === 'command/reply' || type === 'api/response') {
        if (onChannel) {
          onChannel(frame.headers.get('Unique-ID') ?? '')
          onChannel = undefined
        } else {
          const reply = waiter.reply
          waiter.reply = undefined
          reply?.()
        }
      }
    }
  })()
  const send = (text: string) =>
    new Promise<void>((resolve) => {
      waiter.reply = resolve
      socket.write(text)
    })
  const uuid = await new Promise<string>((resolve) => {
    onChannel = resolve
    socket.write('connect\n\n')
  })
  let hangupComplete = false
  const hungUp = new Promise<void>((resolve) => (waiter.hangupComplete = resolve)).then(() => (hangupComplete = true))
  for (const step of stepsFor(script, uuid)) {
    const { text, eventUuid } = wireOf(step)
    if (step.kind === 'exit' && !hangupComplete) await hungUp
    if (eventUuid === undefined) await send(text)
    else {
      const completed = new Promise<void>((done) => (waiter.complete = { uuid: eventUuid, done }))
      await send(text)
      await completed
    }
  }
  await reading
}

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => {})
  serveCall(socket)
    .catch((err: unknown) => process.stderr.write(`call failed: ${String(err)}\n`))
    .finally(() => socket.destroy())
})
server.listen(Number(portText), '127.0.0.1', () => process.stderr.write('floor listening\n'))
process.once('SIGTERM', () => server.close())

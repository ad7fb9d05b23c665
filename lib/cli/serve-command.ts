/**
 * `ivr-router serve FILE...`: the outbound Event Socket server for FreeSWITCH, running the
 * workflows of the files given (the database-backed mode comes with the store).
 */
import type { Command } from 'commander'
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname, resolve as resolvePath } from 'node:path'
import { EslServer } from '../server/esl-server.js'
import { Media } from '../esl/media.js'
import { createLogger } from '../log.js'
import { isValidRegion, toE164 } from '../phone/e164.js'
import { DEFAULT_ALLOW } from '../server/allow-list.js'
import { fileCandidates } from '../server/file-candidates.js'
import { MemoryWorld } from '../server/memory-world.js'
import { resolveWorkflow } from '../server/resolve.js'
import { systemClock } from '../server/system-clock.js'
import { createTtsRenderer } from '../tts/render.js'
import { UsageError } from './errors.js'
import { validDirectory } from './valid-directory.js'

type Options = {
  listen: string
  allow: string
  bind: string[]
  region: string
  drainSeconds: string
  holdMusic: string
  recordings: string
  records: string
  pretty?: boolean
}

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(value)
  const port = Number(m?.[3])
  if (!m || port < 1 || port > 65535) throw new UsageError(`--listen "${value}": use HOST:PORT, e.g. 127.0.0.1:8084`)
  return { host: (m[1] ?? m[2])!, port }
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Event Socket server that FreeSWITCH `socket` connects to')
    .argument('<files...>', 'workflow files (YAML or JSON) with their schedules, teams and agents')
    .option('--listen <host:port>', 'where FreeSWITCH connects', process.env.IVR_LISTEN ?? '127.0.0.1:8084')
    .option(
      '--allow <cidrs>',
      'comma-separated addresses FreeSWITCH connects from',
      process.env.IVR_ALLOW ?? DEFAULT_ALLOW.join(','),
    )
    .option(
      '--bind <number=workflow...>',
      'bind a dialled number to a workflow',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--region <code>', 'default region for numbers without a country code', process.env.IVR_REGION ?? 'KR')
    .option('--drain-seconds <s>', 'on SIGTERM, how long live calls may go on', '30')
    .option('--hold-music <uri>', 'what callers hear while queued or ringing', 'local_stream://moh')
    .option(
      '--recordings <dir>',
      'where voicemail recordings are written',
      process.env.IVR_RECORDINGS_DIR ?? './var/recordings',
    )
    .option('--records <file>', 'call records, one JSON line each', './var/calls.jsonl')
    .option('--pretty', 'readable logs instead of JSON')
    .action(async (files: string[], opts: Options) => {
      const { host, port } = parseListen(opts.listen)
      if (!isValidRegion(opts.region)) throw new UsageError(`--region "${opts.region}": use a country code such as KR`)
      const drainSeconds = Number(opts.drainSeconds)
      if (!Number.isFinite(drainSeconds) || drainSeconds < 0)
        throw new UsageError(`--drain-seconds "${opts.drainSeconds}"`)
      if (!/^[^\s'"{}$\\,|;]+$/.test(opts.holdMusic))
        throw new UsageError(`--hold-music "${opts.holdMusic}": one path or URI`)
      const recordingsDir = resolvePath(opts.recordings)
      if (!/^[^\s'"{}$\\,|;]+$/.test(recordingsDir))
        throw new UsageError(`--recordings "${recordingsDir}": no spaces or quotes`)

      const directory = await validDirectory(files, opts.region)
      const bindings = new Map<string, string>()
      for (const b of opts.bind) {
        const [number, workflow] = b.split('=')
        const e164 = number === undefined ? undefined : toE164(number, opts.region)
        if (!e164 || !workflow) throw new UsageError(`--bind "${b}": use NUMBER=WORKFLOW`)
        const w = directory.workflows.find((x) => x.name === workflow)
        if (!w) throw new UsageError(`--bind "${b}": no workflow "${workflow}" in the files`)
        if (w.trigger !== 'incoming') throw new UsageError(`--bind "${b}": "${workflow}" is a queued workflow`)
        bindings.set(e164, workflow)
      }

      const log = createLogger({ pretty: opts.pretty ?? false })
      const records = resolvePath(opts.records)
      await mkdir(dirname(records), { recursive: true })
      const world = new MemoryWorld(directory, {
        clock: systemClock,
        region: opts.region,
        record: (call) => appendFile(records, `${JSON.stringify(call)}\n`),
        sendSms: async (sms) => log.info({ call: sms.callId, to: sms.to }, 'sms (no provider configured: logged only)'),
      })
      const candidates = fileCandidates(directory.workflows, bindings)
      const server = new EslServer({
        host,
        port,
        allow: opts.allow.split(',').filter(Boolean),
        log,
        world,
        resolve: async (facts) => {
          const workflow = await resolveWorkflow(
            candidates,
            {
              caller: facts.caller,
              callerE164: toE164(facts.caller, opts.region),
              dialed: facts.dialed,
              dialedE164: toE164(facts.dialed, opts.region),
              fields: {},
              team: null,
              contact: () => world.contact(toE164(facts.caller, opts.region) ?? ''),
              sawClosed: () => {},
            },
            world,
          )
          return workflow ? { workflow } : undefined
        },
        call: {
          media: new Media({ kind: 'render', renderer: createTtsRenderer() }),
          region: opts.region,
          holdMusic: opts.holdMusic,
          recordingsDir,
          minRecordingSeconds: 2,
        },
      })
      let address
      try {
        address = await server.listen()
      } catch (err) {
        throw new UsageError(`cannot listen on ${opts.listen}: ${err instanceof Error ? err.message : String(err)}`)
      }
      log.info(
        { listen: `${address.address}:${address.port}`, workflows: directory.workflows.length, records },
        `ivr-router listening; dialplan: <action application="socket" data="${address.address}:${address.port} async full"/>`,
      )
      await new Promise<void>((resolve) => {
        const stop = () => {
          log.info({ drainSeconds }, 'stopping: no new calls, draining live ones')
          void server.stop(drainSeconds * 1000).then(resolve)
        }
        process.once('SIGTERM', stop)
        process.once('SIGINT', stop)
      })
      log.info(server.stats, 'stopped')
    })
}

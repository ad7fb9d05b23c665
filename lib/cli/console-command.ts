/**
 * `ivr-router console [--listen HOST:PORT]`: the web console as its own process, for PostgreSQL (several routers,
 * one console). On the embedded database, which one process opens at a time, use `serve --console` instead.
 */
import type { Command } from 'commander'
import { BadValue, splitHostPort, splitStorageMap, storageMap } from '../config/parsers.js'
import { startConsole } from '../console/server.js'
import { createLogger } from '../log.js'
import { UsageError } from './errors.js'
import { storeCommand, withStore, type StoreOptions } from './store-commands.js'

type ConsoleOptions = StoreOptions & {
  recordings: string
  freeswitchStorage?: string
  listen: string
  trustProxy?: string
  pretty?: boolean
  redactNumbers?: boolean
}

export const CONSOLE_DEFAULT = '127.0.0.1:8090'

export function registerConsoleCommand(program: Command): void {
  storeCommand(program, 'console', 'serve the web console on the database (docs/console.md)')
    .option('--listen <host:port>', 'where to listen (loopback unless told otherwise)', CONSOLE_DEFAULT)
    .option('--trust-proxy <addresses>', 'the reverse proxy whose X-Forwarded-For/-Proto to believe (comma-separated)')
    .option(
      '--recordings <dir>',
      "the routers' voicemail recordings, to play them (default: $IVR_RECORDINGS_DIR or ./var/recordings)",
      process.env.IVR_RECORDINGS_DIR || './var/recordings',
    )
    .option(
      '--freeswitch-storage <dir[=local]>',
      "FreeSWITCH's storage directory, to play mod_voicemail's messages (DIR=LOCAL when mounted at LOCAL here)",
      process.env.IVR_FREESWITCH_STORAGE || undefined,
    )
    .option('--pretty', 'human-readable log lines')
    .option('--redact-numbers', 'log numbers masked but for their last 4 digits')
    .action(async (opts: ConsoleOptions) => {
      const where = splitHostPort(opts.listen)
      if (!where) throw new UsageError(`--listen "${opts.listen.slice(0, 60)}": use HOST:PORT, e.g. ${CONSOLE_DEFAULT}`)
      if (opts.freeswitchStorage !== undefined) {
        try {
          storageMap.parse(opts.freeswitchStorage)
        } catch (err) {
          if (err instanceof BadValue) throw new UsageError(`--freeswitch-storage: ${err.message}`)
          throw err
        }
      }
      const log = createLogger({
        pretty: opts.pretty ?? false,
        redactNumbers: opts.redactNumbers ?? false,
      })
      await withStore(opts, async (store) => {
        log.info({ database: store.description }, `database: ${store.description}`)
        let running
        try {
          running = await startConsole({
            ...where,
            store,
            log,
            region: opts.region,
            recordingsDir: opts.recordings,
            ...(opts.freeswitchStorage ? { freeswitchStorage: splitStorageMap(opts.freeswitchStorage)! } : {}),
            ...(opts.trustProxy ? { trustProxy: opts.trustProxy.split(',').map((s) => s.trim()) } : {}),
          })
        } catch (err) {
          throw new UsageError(`cannot listen on ${opts.listen}: ${err instanceof Error ? err.message : String(err)}`)
        }
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve)
          process.once('SIGINT', resolve)
        })
        await running.close()
      })
    })
}

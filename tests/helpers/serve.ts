/**
 * Test helper: the real ESL server on an ephemeral loopback port, over the documents of a YAML
 * text, with the FreeSWITCH simulator placing calls to it.
 */
import { pino } from 'pino'
import type { CallRecord } from '../../lib/engine/record.js'
import { Media } from '../../lib/esl/media.js'
import { EslServer, type ServerOptions } from '../../lib/server/esl-server.js'
import { fileCandidates } from '../../lib/server/file-candidates.js'
import { MemoryWorld, type MemoryWorldOptions } from '../../lib/server/memory-world.js'
import { resolveWorkflow } from '../../lib/server/resolve.js'
import { systemClock } from '../../lib/server/system-clock.js'
import {
  FakeFreeSwitch,
  type CallResult,
  type CallScript,
  type FakeFreeSwitchOptions,
} from '../../lib/testing/fake-freeswitch/index.js'
import { directoryOf } from './sim.js'

export type Served = {
  port: number
  server: EslServer
  records: CallRecord[]
  fs: FakeFreeSwitch
  /** Places one call and waits until both sides are done with it. */
  call(
    script: CallScript,
    channel?: { callerNumber?: string; callerName?: string; destination?: string },
  ): Promise<{ sim: CallResult; record: CallRecord | undefined }>
  close(): Promise<void>
}

export async function serve(
  yamlText: string,
  extra: Partial<ServerOptions> = {},
  worldOptions: Partial<MemoryWorldOptions> = {},
): Promise<Served & { world: MemoryWorld }> {
  const directory = directoryOf(yamlText)
  const world = new MemoryWorld(directory, {
    clock: systemClock,
    region: 'KR',
    record: async () => {},
    sendSms: async () => {},
    ...worldOptions,
  })
  const candidates = fileCandidates(directory.workflows, new Map())
  const served = await serveWith({
    world,
    resolve: async (facts) => {
      const workflow = await resolveWorkflow(candidates, facts, world)
      return workflow ? { workflow } : undefined
    },
    ...extra,
  })
  return { ...served, world }
}

/** The server over any world (the store's, in the end-to-end tests); `onCall` collects the records. */
export async function serveWith(
  options: Pick<ServerOptions, 'world' | 'resolve'> & Partial<ServerOptions>,
  switchOptions: FakeFreeSwitchOptions = {},
): Promise<Served> {
  const records: CallRecord[] = []
  const waiting = new Map<string, (r: CallRecord) => void>()
  const server = new EslServer({
    host: '127.0.0.1',
    port: 0,
    allow: ['127.0.0.0/8'],
    log: pino({ level: 'silent' }),
    call: {
      // Rendering is tested in tests/tts; here a prompt's file name is enough.
      media: new Media({
        kind: 'render',
        renderer: { render: async (text) => `/var/tts/${Buffer.from(text).length}.wav` },
      }),
      region: 'KR',
      holdMusic: 'local_stream://moh',
      recordingsDir: '/tmp/ivr-router-test-recordings',
      minRecordingSeconds: 2,
    },
    closeTimeoutMs: 2000,
    ...options,
    onCall: (r) => {
      records.push(r)
      waiting.get(r.id)?.(r)
      options.onCall?.(r)
    },
  })
  const { port } = await server.listen()
  const fs = new FakeFreeSwitch({ seed: 7, ...switchOptions })
  return {
    port,
    server,
    records,
    fs,
    async call(script, channel = {}) {
      const call = fs.call({
        port,
        split: 'random',
        channel: { callerNumber: '01012345678', destination: '07012345678', ...channel },
        script,
      })
      const sim = await call.result
      // The record is written after the engine ends; the simulator may finish first.
      const record =
        records.find((r) => r.id === sim.uuid) ??
        (server.stats.active > 0
          ? await new Promise<CallRecord>((resolve) => waiting.set(sim.uuid, resolve))
          : undefined)
      return { sim, record }
    },
    close: () => server.stop(1000),
  }
}

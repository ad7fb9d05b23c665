/** Every recorded trace, replayed: the simulator must answer the recorded commands as FreeSWITCH did. */
import t from 'tap'
import { replayTrace, TRACES, type TraceName } from '../../lib/testing/fake-freeswitch/index.js'
import { drive, loadTrace, shape } from './golden.js'
import { Router } from './router.js'

/** Commands the recording shows arriving in the same write as the one before (the injection trace's blank line). */
const PIPELINED: Partial<Record<TraceName, number[]>> = { injection: [25] }

const router = await Router.start()
t.teardown(() => router.close())

for (const name of Object.keys(TRACES) as TraceName[]) {
  t.test(name, async (t) => {
    const trace = loadTrace(name, TRACES[name].uuid)
    const call = replayTrace(name, { port: router.port }, { idleSpeed: 1000 })
    const connection = await router.accept()
    const got = await drive(trace, connection, PIPELINED[name])
    const result = await call.result
    for (const [i, packet] of trace.commands.entries()) {
      const want = trace.segments[i]?.map((f) => shape(f, trace.stable)) ?? []
      const have = got[i]?.map((f) => shape(f, trace.stable)) ?? []
      t.same(have, want, `after "${packet.command}" (#${i})`)
    }
    t.same(result.dangerous.length > 0, name === 'injection', 'API calls through ${…} only in the injection trace')
  })
}

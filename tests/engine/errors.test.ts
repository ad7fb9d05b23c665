/** No dead air: an internal failure plays the fallback prompt, hangs up and still leaves a record. */
import t from 'tap'
import { runCall } from '../../lib/engine/run.js'
import type { Seat } from '../../lib/engine/world.js'
import { SimCall } from '../../lib/sim/call.js'
import { VirtualClock } from '../../lib/sim/clock.js'
import { SimWorld } from '../../lib/sim/world.js'
import { directoryOf } from '../helpers/sim.js'
import type { Prompt } from '../../lib/workflow/schema.js'

class BrokenWorld extends SimWorld {
  override seat(): Seat {
    const broken = async (): Promise<never> => {
      throw new Error('database exploded')
    }
    return {
      request: broken,
      answered: broken,
      finish: broken,
      wait: broken,
      pause: broken,
      position: broken,
      leave: broken,
    }
  }
}

t.test('a failing world: fallback prompt, hang-up, record with the error', async (t) => {
  const directory = directoryOf(`
name: w
steps:
  A:
    - tag: [before]
    - assign: { team: support }
---
kind: team
name: support
`)
  const clock = new VirtualClock(Date.parse('2026-11-23T10:00:00+09:00'))
  const world = new BrokenWorld(directory, clock, 'KR')
  const scenario = { keys: [], connect: [], queueWaitSeconds: 0, talkSeconds: 1, voicemailSeconds: 1 }
  const call = new SimCall('c1', '01012345678', '07012345678', clock, scenario)
  const played: Prompt[] = []
  const play = call.play.bind(call)
  call.play = async (p) => {
    played.push(p)
    return play(p)
  }
  const fallbackPrompt = { say: '죄송합니다.' }
  const record = await clock.drive(runCall({ workflow: directory.workflows[0]!, call, world, fallbackPrompt }))
  t.equal(record.outcome, 'hangup')
  t.same(record.tags, ['before'], 'what happened before the failure is kept')
  t.match(record.events.at(-1), { type: 'error', message: 'database exploded' })
  t.same(played, [fallbackPrompt])
  t.ok(call.isEnded, 'hung up')
  t.equal(world.records.length, 1, 'the record reached the sink')
})

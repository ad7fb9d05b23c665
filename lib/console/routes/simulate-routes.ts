/**
 * "Try a call": one call through a stored workflow in the simulator (the real engine, virtual time), as
 * `ivr-router simulate --number` runs it, with the caller, time, keys and ring results from the page; it answers the
 * transcript and the outcome. Nothing is written: any role may try.
 */
import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/db.js'
import { loadDirectory } from '../../store/directory.js'
import { simulate } from '../../sim/simulate.js'
import { transcriptLine } from '../../sim/transcript.js'
import { toE164 } from '../../phone/e164.js'
import type { Directory } from '../../workflow/directory.js'
import { parse, SimulateBody } from '../requests.js'

export function simulateRoutes(app: FastifyInstance, store: Store, region: string): void {
  app.post('/api/simulate', { config: { role: 'viewer' } }, async (request, reply) => {
    const body = parse(SimulateBody, request.body)
    if (toE164(body.caller, region) === undefined)
      return reply.code(400).send({ error: `caller "${body.caller}": not a phone number (region ${region})` })
    const stored = await loadDirectory(store.db)
    const chosen = stored.workflows.get(body.workflow)
    if (!chosen) return reply.code(404).send({ error: `no workflow named "${body.workflow}"` })
    if (chosen.workflow.trigger !== 'incoming')
      return reply
        .code(409)
        .send({ error: `"${body.workflow}" is a queued workflow: try the incoming one that queues` })
    const directory: Directory = {
      workflows: [...stored.workflows.values()].map((v) => v.workflow),
      schedules: [...stored.schedules.values()],
      teams: [...stored.teams.values()],
      agents: [...stored.agents.values()],
      contacts: [],
    }
    const transcript: string[] = []
    const result = await simulate({
      directory,
      workflow: chosen.workflow,
      version: chosen.version,
      caller: body.caller,
      dialed: body.dialed,
      at: Date.parse(body.at),
      region,
      scenario: {
        keys: body.keys,
        connect: body.connect,
        queueWaitSeconds: body.queueWaitSeconds,
        talkSeconds: 60,
        voicemailSeconds: 10,
      },
      onEvent: (e) => transcript.push(transcriptLine(e)),
    })
    const { record: _record, events: _events, ...summary } = result
    return { ...summary, transcript }
  })
}

import t from 'tap'
import { sql } from 'drizzle-orm'
import { rows } from '../../lib/store/db.js'
import { writeRecord } from '../../lib/store/records.js'
import { dbKind, testStore } from '../helpers/db.js'
import { applyYaml, callRecord, openWorld } from '../helpers/store.js'

t.test(`record(): one statement for the call, its events and its inbox row (${dbKind})`, async (t) => {
  const store = await testStore(t)
  await applyYaml(
    store,
    'kind: team\nname: support\n---\nkind: agent\nname: alice\ndial: user/1001\nteams: [support]\n',
  )
  const world = await openWorld(t, store)
  const voicemail = callRecord('uuid-1', {
    callerName: 'Kim\u0000 "Q"',
    outcome: 'voicemail',
    inbox: { reason: 'voicemail', recording: { path: '/var/rec/uuid-1.wav', seconds: 12.5 } },
    steps: ['A', 'B'],
    team: 'support',
    agent: 'alice',
    tags: ['callback', 'vip'],
    fields: { reservationNo: '123456' },
    queueSeconds: 42.5,
    talkSeconds: 0,
    events: [
      { at: 0, type: 'step', step: 'A', workflow: 'main' },
      { at: 1500, type: 'menu', step: 'A', play: 1, keys: '1', result: 'ok', goto: 'B' },
      { at: 1600, type: 'step', step: 'B', workflow: 'main' },
      { at: 9000, type: 'voicemail', step: 'B', recorded: true, seconds: 12.5, path: '/var/rec/uuid-1.wav' },
    ],
  })
  await world.record(voicemail)
  await world.record(callRecord('uuid-2'))

  const calls = await rows<Record<string, unknown>>(
    store.db,
    sql`select id, caller, caller_name, dialed, workflow, workflow_version, outcome, inbox_reason, team, agent, tags,
          fields, steps, queue_seconds, talk_seconds, extract(epoch from ended_at - started_at)::int as seconds
        from calls order by id`,
  )
  t.same(calls, [
    {
      id: 'uuid-1',
      caller: '+821012345678',
      caller_name: 'Kim "Q"',
      dialed: '+827012345678',
      workflow: 'main',
      workflow_version: 1,
      outcome: 'voicemail',
      inbox_reason: 'voicemail',
      team: 'support',
      agent: 'alice',
      tags: ['callback', 'vip'],
      fields: { reservationNo: '123456' },
      steps: ['A', 'B'],
      queue_seconds: 42.5,
      talk_seconds: 0,
      seconds: 30,
    },
    {
      id: 'uuid-2',
      caller: '+821012345678',
      caller_name: 'Kim',
      dialed: '+827012345678',
      workflow: 'main',
      workflow_version: 1,
      outcome: 'hangup',
      inbox_reason: null,
      team: null,
      agent: null,
      tags: [],
      fields: {},
      steps: ['A'],
      queue_seconds: 0,
      talk_seconds: 0,
      seconds: 30,
    },
  ])
  t.same(
    await rows(store.db, sql`select seq, at_ms, type, data from call_events where call_id = 'uuid-1' order by seq`),
    [
      { seq: 0, at_ms: 0, type: 'step', data: { step: 'A', workflow: 'main' } },
      { seq: 1, at_ms: 1500, type: 'menu', data: { step: 'A', play: 1, keys: '1', result: 'ok', goto: 'B' } },
      { seq: 2, at_ms: 1600, type: 'step', data: { step: 'B', workflow: 'main' } },
      {
        seq: 3,
        at_ms: 9000,
        type: 'voicemail',
        data: { step: 'B', recorded: true, seconds: 12.5, path: '/var/rec/uuid-1.wav' },
      },
    ],
  )
  t.same(
    await rows(
      store.db,
      sql`select call_id, reason, caller, dialed, team, fields, wait_seconds, recording_path, recording_seconds,
            created_at = to_timestamp(${voicemail.endedAt / 1000}) as at_end, resolved_at
          from inbox`,
    ),
    [
      {
        call_id: 'uuid-1',
        reason: 'voicemail',
        caller: '+821012345678',
        dialed: '+827012345678',
        team: 'support',
        fields: { reservationNo: '123456' },
        wait_seconds: 42.5,
        recording_path: '/var/rec/uuid-1.wav',
        recording_seconds: 12.5,
        at_end: true,
        resolved_at: null,
      },
    ],
  )
  t.same(
    await rows(store.db, sql`select last_call_end = to_timestamp(${voicemail.endedAt / 1000}) as set from agents`),
    [{ set: true }],
  )

  t.equal(await writeRecord(store.db, voicemail), false, 'the same call again is not written twice')
  t.same(
    await rows(
      store.db,
      sql`select (select count(*)::int from calls) as calls, (select count(*)::int from call_events) as events,
            (select count(*)::int from inbox) as inbox`,
    ),
    [{ calls: 2, events: 7, inbox: 1 }],
  )

  await world.sendSms({ callId: 'uuid-1', to: '+821012345678', text: '예약 123456' })
  t.match(await rows(store.db, sql`select call_id, to_number, text, status, attempts from sms_outbox`), [
    { call_id: 'uuid-1', to_number: '+821012345678', text: '예약 123456', status: 'pending', attempts: 0 },
  ])
})

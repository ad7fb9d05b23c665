/**
 * The inbox rules end to end on the store: the real server over the store's world, simulated FreeSWITCH calls over
 * TCP, the inbox rows they leave (each reason, with caller, fields, wait and recording), the NOTIFY each new row
 * sends, and voicemail both ways: the router's `record` and FreeSWITCH's mod_voicemail box.
 */
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { pino } from 'pino'
import { dbKind, testStore } from '../helpers/db.js'
import { serveWith } from '../helpers/serve.js'
import { applyYaml, openWorld, tempDir } from '../helpers/store.js'
import type { EslCallOptions, VoicemailMode } from '../../lib/esl/call.js'
import { Media } from '../../lib/esl/media.js'
import { rows, type Store } from '../../lib/store/db.js'
import { listInbox, listenForInbox, type InboxNotice } from '../../lib/store/inbox.js'
import { bindNumber } from '../../lib/store/numbers.js'
import { missingBoxReporter } from '../../lib/server/missing-box.js'

const YAML = `
kind: team
name: support
ringSeconds: 5
---
kind: agent
name: alice
dial: user/1001@pbx.example.com
teams: [support]
---
name: inbox-rules
steps:
  A:
    - menu:
        prompt: { say: "상담은 1번, 음성 메시지는 2번, 종료는 3번, 대표 사서함은 4번" }
        options: { "1": B, "2": C, "3": D, "4": E }
  B:
    - collect: { prompt: { say: "예약 번호를 눌러 주세요" }, field: reservationNo, minDigits: 4, maxDigits: 8, endKey: "#" }
    - assign: { team: support }
  C:
    - assign: { team: support }
    - voicemail: { greeting: { say: "메시지를 남겨 주세요" }, maxSeconds: 60 }
  D:
    - hangup: { inbox: true }
  E:
    - voicemail: { greeting: { play: "ivr/leave-message.wav" } }
`

function callOptions(recordingsDir: string, voicemail: VoicemailMode): EslCallOptions {
  return {
    media: new Media({ kind: 'render', renderer: { render: async (text) => `/var/tts/${text.length}.wav` } }),
    region: 'KR',
    holdMusic: 'local_stream://moh',
    recordingsDir,
    minRecordingSeconds: 2,
    voicemail,
  }
}

/** Notices as they come; `next(callId)` resolves with the one for that call. */
async function notices(t: Test, store: Store) {
  const seen: InboxNotice[] = []
  const waiting = new Map<string, (n: InboxNotice) => void>()
  const unlisten = await listenForInbox(store, (n) => {
    seen.push(n)
    waiting.get(n.callId)?.(n)
  })
  t.teardown(unlisten)
  return {
    seen,
    next: (callId: string) =>
      new Promise<InboxNotice>((resolve) => {
        const already = seen.find((n) => n.callId === callId)
        if (already) resolve(already)
        else waiting.set(callId, resolve)
      }),
  }
}

async function setUp(t: Test) {
  const store = await testStore(t)
  await applyYaml(store, YAML)
  t.match(await bindNumber(store, '070-1234-5678', 'inbox-rules', 'KR'), { ok: true })
  await store.db.execute(sql`insert into contacts (number, name) values ('+821012345678', '김민지')`)
  const world = await openWorld(t, store)
  return { store, world, recordings: await tempDir(t, 'ivr-recordings-') }
}

t.test(`each inbox reason, its row and its NOTIFY; record voicemail (${dbKind})`, async (t) => {
  const { store, world, recordings } = await setUp(t)
  const notice = await notices(t, store)
  const s = await serveWith({
    world,
    resolve: (facts) => world.resolve(facts),
    call: callOptions(recordings, { kind: 'record' }),
    log: pino({ level: 'silent' }),
  })
  t.teardown(s.close)

  const missed = await s.call({ keys: ['1', '1234#'], bridges: ['no-answer'], hangup: { duringAppNamed: 'playback' } })
  t.match(missed.record, { outcome: 'missed', inbox: { reason: 'queue_abandoned' } })
  const n1 = await notice.next(missed.sim.uuid)
  t.match(n1, { reason: 'queue_abandoned', callId: missed.sim.uuid })

  const ended = await s.call({ keys: ['3'] })
  t.match((await notice.next(ended.sim.uuid)).reason, 'workflow_hangup')

  const left = await s.call({ keys: ['2'], record: { speakMs: 4000 } })
  t.match(left.record, { outcome: 'voicemail', inbox: { reason: 'voicemail', recording: { seconds: 7 } } })
  t.match((await notice.next(left.sim.uuid)).reason, 'voicemail')
  t.ok(
    left.sim.commands.some((c) => /execute-app-name: record/.test(c.raw)),
    'recorded with record',
  )

  const short = await s.call({ keys: ['2'], record: { speakMs: 1500, end: 'hangup' } })
  t.match(short.record, { outcome: 'abandoned', inbox: null }, 'a message under 2 s is a hang-up')

  const abandoned = await s.call({ hangup: { duringAppNamed: 'play_and_get_digits' } })
  t.equal(abandoned.record?.outcome, 'abandoned')

  const inbox = await listInbox(store.db)
  t.same(
    inbox.map((i) => [i.callId, i.reason]),
    [
      [left.sim.uuid, 'voicemail'],
      [ended.sim.uuid, 'workflow_hangup'],
      [missed.sim.uuid, 'queue_abandoned'],
    ],
    'one row per call that leaves one, newest first; none for the short message or the caller who left the IVR',
  )
  t.match(inbox[2], {
    id: n1.id,
    caller: '+821012345678',
    contact: '김민지',
    team: 'support',
    fields: { reservationNo: '1234' },
    recording: null,
  })
  t.ok(inbox[2]!.waitSeconds > 0, 'the wait in the queue')
  t.match(inbox[0], { team: 'support', recording: { seconds: 7 } })
  t.match(inbox[0]!.recording!.path, new RegExp(`^${recordings}/${left.sim.uuid}-\\d+\\.wav$`))
  t.equal(notice.seen.length, 3, 'one notice per new row')
})

t.test(`mod_voicemail: the box by team or number, FreeSWITCH's file and length (${dbKind})`, async (t) => {
  const { store, world, recordings } = await setUp(t)
  const notice = await notices(t, store)
  const s = await serveWith({
    world,
    resolve: (facts) => world.resolve(facts),
    call: callOptions(recordings, { kind: 'mod_voicemail', profile: 'default', domain: 'pbx.example.com' }),
    log: pino({ level: 'silent' }),
  })
  t.teardown(s.close)

  const team = await s.call({ keys: ['2'], voicemail: { speakMs: 6000 } })
  const apps = team.sim.apps.map((a) => `${a.name} ${a.data}`)
  t.ok(apps.includes('voicemail default pbx.example.com support'), 'the team is the box')
  t.notOk(
    apps.some((a) => a.startsWith('record ')),
    'mod_voicemail records, not the router',
  )
  t.match(
    team.sim.commands.map((c) => c.raw).find((c) => c.includes('uuid_setvar_multi')),
    /skip_greeting=true;skip_instructions=true;skip_record_check=true;skip_record_urgent_check=true;voicemail_skip_goodbye=true/,
  )
  t.equal(team.sim.dangerous.length, 0)
  const [row] = await rows<{ reason: string; recording_path: string; recording_seconds: number }>(
    store.db,
    sql`select reason, recording_path, recording_seconds from inbox where call_id = ${team.sim.uuid}`,
  )
  t.match(row, {
    reason: 'voicemail',
    recording_path:
      /^\/usr\/local\/freeswitch\/var\/lib\/freeswitch\/storage\/voicemail\/default\/pbx\.example\.com\/support\/msg_[-0-9a-f]+\.wav$/,
    recording_seconds: 6,
  })
  t.match(await notice.next(team.sim.uuid), { reason: 'voicemail' })

  const byNumber = await s.call({ keys: ['4'], voicemail: { speakMs: 5000, end: 'hangup' } })
  t.ok(
    byNumber.sim.apps.some((a) => a.name === 'voicemail' && a.data === 'default pbx.example.com 827012345678'),
    'no team: the dialled number is the box',
  )
  t.match(byNumber.record, { outcome: 'voicemail', inbox: { recording: { seconds: 5 } } }, 'kept after a hang-up')

  const short = await s.call({ keys: ['2'], voicemail: { speakMs: [2000] } })
  t.match(
    short.record,
    { outcome: 'abandoned', inbox: null },
    'too short: FreeSWITCH discarded it until the caller hung up (trace voicemail_short), no voicemail',
  )
  const gone = await s.call({ keys: ['2'], hangup: { duringAppNamed: 'playback' } })
  t.match(gone.record, { outcome: 'abandoned', inbox: null }, 'gone during the greeting: no voicemail')
  t.notOk(
    gone.sim.apps.some((a) => a.name === 'voicemail'),
    'and no box opened',
  )
  const [count] = await rows<{ n: number }>(store.db, sql`select count(*)::int as n from inbox`)
  t.equal(count!.n, 2)
})

t.test(`mod_voicemail without the box: the router records the message, logs the box once (${dbKind})`, async (t) => {
  const { store, world, recordings } = await setUp(t)
  const missing: string[] = []
  const lines: { box?: string; msg?: string }[] = []
  const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[0]) })
  const s = await serveWith(
    {
      world,
      resolve: (facts) => world.resolve(facts),
      call: {
        ...callOptions(recordings, { kind: 'mod_voicemail', profile: 'default', domain: 'pbx.example.com' }),
        onMissingBox: missingBoxReporter(log, (box) => missing.push(box)),
      },
      log: pino({ level: 'silent' }),
    },
    // The directory holds 1000 only: the team's box `support` is missing (trace voicemail_nobox).
    { voicemailBoxes: ['1000'] },
  )
  t.teardown(s.close)

  const first = await s.call({ keys: ['2'], record: { speakMs: 5000 } })
  const apps = first.sim.apps.map((a) => `${a.name} ${a.data}`)
  t.ok(apps.includes('voicemail default pbx.example.com support'), 'mod_voicemail was asked first')
  t.ok(
    apps.some((a) => a.startsWith(`record ${recordings}/`)),
    'then the router recorded',
  )
  // 5 s spoken, then 3 s of silence end the router's `record`.
  t.match(first.record, { outcome: 'voicemail', inbox: { reason: 'voicemail', recording: { seconds: 8 } } })
  const [row] = await rows<{ reason: string; recording_path: string }>(
    store.db,
    sql`select reason, recording_path from inbox where call_id = ${first.sim.uuid}`,
  )
  t.match(row, { reason: 'voicemail', recording_path: new RegExp(`^${recordings}/${first.sim.uuid}-\\d+\\.wav$`) })

  const second = await s.call({ keys: ['2'], record: { speakMs: 4000, end: 'hangup' } })
  t.match(second.record, { outcome: 'voicemail', inbox: { recording: { seconds: 4 } } }, 'kept after a hang-up')
  t.same(missing, ['support', 'support'], 'counted each time')
  t.same(
    lines.map((l) => l.box),
    ['support'],
    'logged once',
  )
  t.match(lines[0]?.msg, /no such box/)

  const gone = await s.call({ keys: ['2'], voicemail: { speakMs: 6000 }, hangup: { duringAppNamed: 'voicemail' } })
  t.match(gone.record, { outcome: 'abandoned', inbox: null }, 'a caller gone before the box answered left nothing')
  t.equal(missing.length, 2, 'and is no missing box')
})

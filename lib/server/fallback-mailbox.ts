/**
 * Messages callers left in the dialplan's fallback mailbox while no router answered them (freeswitch/README.md):
 * read over FreeSWITCH's inbound Event Socket with mod_voicemail's own API (trace inbound_vm), each unread message
 * written as a call with a voicemail inbox row (the call id is the UUID of the channel that left it, so a message is
 * written once however often it is read), then marked read in FreeSWITCH (`vm_read … read UUID`, always with the
 * uuid: without one mod_voicemail marks every message of the domain). The file stays in FreeSWITCH's storage; the
 * inbox row points at it.
 */
import type { CallRecord } from '../engine/record.js'
import { parseVmList } from '../esl/vm-list.js'
import { toE164 } from '../phone/e164.js'

export type FallbackMailbox = { box: string; domain: string; profile: string }

export type MailboxApi = { api(command: string): Promise<string> }

/** The workflow name the imported calls carry (reports group them under it). */
export const FALLBACK_WORKFLOW = 'fallback-mailbox'

const WORD = /^[A-Za-z0-9_.-]{1,64}$/

/** Imports the unread messages; returns how many were new to the database and how many were marked read. */
export async function importFallbackMailbox(
  fs: MailboxApi,
  mailbox: FallbackMailbox,
  write: (record: CallRecord) => Promise<boolean>,
  region: string,
): Promise<{ imported: number; marked: number }> {
  for (const part of [mailbox.box, mailbox.domain, mailbox.profile])
    if (!WORD.test(part)) throw new RangeError(`fallback mailbox part ${JSON.stringify(part)} is not a word`)
  const id = `${mailbox.box}@${mailbox.domain}/${mailbox.profile}`
  const unread = parseVmList(await fs.api(`vm_list ${id} xml`)).filter((m) => m.readEpoch === 0)
  let imported = 0
  let marked = 0
  for (const m of unread) {
    const endedAt = m.createdEpoch * 1000
    const startedAt = endedAt - m.seconds * 1000
    const recording = { path: m.path, seconds: m.seconds }
    const record: CallRecord = {
      id: m.uuid,
      caller: toE164(m.callerNumber, region) ?? m.callerNumber,
      callerName: m.callerName,
      dialed: '',
      workflow: FALLBACK_WORKFLOW,
      startedAt,
      answeredAt: startedAt,
      endedAt,
      outcome: 'voicemail',
      inbox: { reason: 'voicemail', recording },
      steps: [],
      events: [{ at: 0, type: 'voicemail', step: 'fallback', recorded: true, seconds: m.seconds, path: m.path }],
      team: null,
      agent: null,
      tags: [FALLBACK_WORKFLOW],
      fields: {},
      sms: [],
      queueSeconds: 0,
      talkSeconds: 0,
    }
    if (await write(record)) imported++
    // Written (now or before): FreeSWITCH may let it go. `+OK` even for a uuid it does not have (trace inbound_vm).
    if ((await fs.api(`vm_read ${id} read ${m.uuid}`)).trim() === '+OK') marked++
  }
  return { imported, marked }
}

export type MailboxPoller = { stop(): Promise<void> }

/**
 * Reads the mailbox every `seconds` (and once at start) over a connection opened for each round, so a FreeSWITCH
 * restart costs nothing but a round. `connect` opens it; `onRound` hears how each round went.
 */
export function pollFallbackMailbox(o: {
  mailbox: FallbackMailbox
  seconds: number
  region: string
  connect: () => Promise<MailboxApi & { close(): void }>
  write: (record: CallRecord) => Promise<boolean>
  onRound: (result: { imported: number; marked: number } | { error: unknown }) => void
}): MailboxPoller {
  let running: Promise<void> | undefined
  const round = async () => {
    try {
      const fs = await o.connect()
      try {
        o.onRound(await importFallbackMailbox(fs, o.mailbox, o.write, o.region))
      } finally {
        fs.close()
      }
    } catch (error) {
      o.onRound({ error })
    }
  }
  running = round()
  const timer = setInterval(() => {
    running ??= round().finally(() => (running = undefined))
  }, o.seconds * 1000)
  timer.unref()
  void running.finally(() => (running = undefined))
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}

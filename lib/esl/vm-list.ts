/**
 * mod_voicemail's `vm_list BOX@DOMAIN/PROFILE xml` (trace inbound_vm): one `<message>` block per message, in a
 * fixed order of elements whose values FreeSWITCH does not XML-escape, so a caller's name may hold anything. Each
 * block is read by that order; the name runs to the last `</cid-name>` followed by a well-formed number and length;
 * a message whose uuid or path does not look like FreeSWITCH's is dropped rather than trusted.
 */
export type BoxMessage = {
  createdEpoch: number
  readEpoch: number
  path: string
  /** The UUID of the channel that left the message. */
  uuid: string
  callerName: string
  callerNumber: string
  seconds: number
}

const MESSAGE = new RegExp(
  [
    '<message>\\n  <created_epoch>(\\d+)</created_epoch>\\n  <read_epoch>(\\d+)</read_epoch>',
    '\\n  <username>[\\s\\S]*?</username>\\n  <domain>[\\s\\S]*?</domain>\\n  <folder>[\\s\\S]*?</folder>',
    '\\n  <path>([^<\\n]*)</path>\\n  <uuid>([^<\\n]*)</uuid>',
    // The name runs to the last `</cid-name>` before a well-formed number and length, within this message.
    '\\n  <cid-name>((?:(?!\\n <message>\\n)[\\s\\S])*)</cid-name>',
    '\\n  <cid-number>([^<\\n]*)</cid-number>\\n  <message-len>(\\d+)</message-len>\\n </message>',
  ].join(''),
  'g',
)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PATH = /^\/[A-Za-z0-9_./@:+-]+\.(wav|mp3)$/

export function parseVmList(xml: string): BoxMessage[] {
  const out: BoxMessage[] = []
  for (const m of xml.matchAll(MESSAGE)) {
    const [, created, read, path, uuid, name, number, len] = m
    if (!UUID.test(uuid!) || !PATH.test(path!) || path!.includes('..')) continue
    out.push({
      createdEpoch: Number(created),
      readEpoch: Number(read),
      path: path!,
      uuid: uuid!,
      // eslint-disable-next-line no-control-regex
      callerName: name!.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200),
      callerNumber: /^\+?[0-9*#]{1,32}$/.test(number!) ? number! : '',
      seconds: Number(len),
    })
  }
  return out
}

/** The connect reply of every recorded trace, and URL-decoding as FreeSWITCH encodes. */
import t from 'tap'
import fc from 'fast-check'
import {
  ChannelDataError,
  decodeHeaderLines,
  readChannelData,
  urlDecode,
  type ChannelData,
} from '../../lib/esl/channel-data.js'
import { received, referenceFrames, traceNames } from './traces.js'

const connectReply = (name: string) => referenceFrames(received(name))[0]!.headers

t.test('every trace: the IVR channel, caller and dialled number', async (t) => {
  for (const name of traceNames) {
    const frames = referenceFrames(received(name))
    const channel = readChannelData(frames[0]!.headers)
    t.match(channel.uniqueId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, name)
    const notice = frames.findLast((frame) => frame.headers.get('Content-Type') === 'text/disconnect-notice')
    t.equal(channel.uniqueId, notice?.headers.get('Controlled-Session-UUID'), `${name}: the channel we controlled`)
    t.equal(channel.callerNumber, '01012345678', name)
    t.equal(channel.callerName, 'AcceptanceCaller', name)
    t.equal(channel.destination, '07012345678', name)
    t.equal(channel.variables.get('uuid'), channel.uniqueId, name)
  }
})

t.test('values are decoded, headers and variables alike', async (t) => {
  const channel = readChannelData(connectReply('basic-plain'))
  t.equal(channel.get('Reply-Text'), '+OK\n')
  t.equal(channel.get('FreeSWITCH-IPv6'), 'fd00::2')
  t.equal(channel.get('Event-Date-GMT'), 'Wed, 25 Nov 2026 03:48:30 GMT')
  t.equal(channel.get('Caller-Callee-ID-Name'), 'Outbound Call')
  t.equal(channel.get('Socket-Mode'), 'async')
  t.equal(channel.get('No-Such-Header'), undefined)
  t.equal(channel.variables.get('current_application_data'), '127.0.0.1:8084 async full')
  t.equal(channel.variables.get('DP_MATCH'), 'ARRAY::07012345678|:07012345678')
  t.equal(channel.variables.size, 19)
})

t.test('the dialled number falls back to sip_req_user, then to nothing', async (t) => {
  const reply = new Map(connectReply('basic-plain'))
  reply.delete('Caller-Destination-Number')
  reply.set('variable_sip_req_user', '0212345678')
  t.equal(readChannelData(reply).destination, '0212345678')
  reply.delete('variable_sip_req_user')
  const channel: ChannelData = readChannelData(reply)
  t.equal(channel.destination, '')
})

t.test('anything but a channel snapshot is refused', async (t) => {
  const reply = connectReply('basic-plain')
  const without = (name: string) => new Map([...reply].filter(([key]) => key !== name))
  t.throws(() => readChannelData(new Map([['Content-Type', 'command/reply']])), ChannelDataError)
  t.throws(
    () =>
      readChannelData(
        new Map([
          ['Content-Type', 'command/reply'],
          ['Reply-Text', '-ERR command not found'],
        ]),
      ),
    ChannelDataError,
  )
  t.throws(() => readChannelData(without('Unique-ID')), ChannelDataError)
  t.throws(() => readChannelData(without('Event-Name')), ChannelDataError)
  t.throws(() => readChannelData(new Map([...reply, ['Content-Type', 'text/event-plain']])), ChannelDataError)
})

t.test('urlDecode', async (t) => {
  t.equal(urlDecode('%ED%99%8D%EA%B8%B8%EB%8F%99'), '홍길동')
  t.equal(urlDecode('a+b%2Bc'), 'a+b+c', 'a plus is a plus: FreeSWITCH encodes its own as %2B')
  t.equal(urlDecode('100%'), '100%')
  t.equal(urlDecode('%zz%4'), '%zz%4')
  t.equal(urlDecode('caf%C3%A9%20100%'), 'café 100%', 'valid escapes around a lone %')
  t.equal(urlDecode('%E9t%C3%A9'), '%E9té', 'a Latin-1 byte stays escaped')
})

/** switch_url_encode as the protocol notes describe it, an existing %XX left alone included. */
function fsEncode(text: string): string {
  const unsafe = new Set(' \r\n#%&+:;<=>?@[\\]^`{|}"')
  const bytes = Buffer.from(text, 'utf8')
  const escaped = (at: number) => /^%[0-9A-Fa-f]{2}$/.test(bytes.toString('latin1', at, at + 3))
  return [...bytes]
    .map((byte, at) =>
      (byte < 0x20 || byte > 0x7e || unsafe.has(String.fromCharCode(byte))) && !escaped(at)
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte),
    )
    .join('')
}

t.test('urlDecode undoes switch_url_encode and never throws', async (t) => {
  t.equal(fsEncode('50%2B%'), '50%2B%25', 'the model leaves an existing escape alone')
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      fc.pre(!/%[0-9A-Fa-f]{2}/.test(text))
      if (urlDecode(fsEncode(text)) !== text) throw new Error(`round trip of ${JSON.stringify(text)}`)
    }),
    { seed: 20261125 },
  )
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('%', 'A', 'f', '0', 'é', 'z') }), (text) => {
      urlDecode(text)
    }),
    { seed: 20261125 },
  )
  t.pass('properties held')
})

t.test('decodeHeaderLines: the name up to the first ": ", the rest decoded', async (t) => {
  t.same(
    [...decodeHeaderLines('Event-Name: DTMF\nX-Text: a: b%20c\nno header here\n: no name\nDTMF-Digit: %23\n\n')],
    [
      ['Event-Name', 'DTMF'],
      ['X-Text', 'a: b c'],
      ['DTMF-Digit', '#'],
    ],
  )
})

/**
 * FreeSWITCH's `switch_url_encode` (switch_utils.c), used for plain events and the connect reply: every byte below
 * 0x20 or above 0x7E and every character of SWITCH_URL_UNSAFE becomes `%XX` in uppercase hex, byte by byte of the
 * UTF-8 text; an existing `%XX` written with uppercase hex digits is left alone.
 */
const UNSAFE = new Set(Buffer.from('\r\n #%&+:;<=>?@[\\]^`{|}"'))
const HEX = '0123456789ABCDEF'
const isHex = (b: number | undefined) => b !== undefined && HEX.includes(String.fromCharCode(b))

export function urlEncode(value: string): string {
  const bytes = Buffer.from(value, 'utf8')
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    const keptEscape = b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])
    if (!keptEscape && (b < 0x20 || b > 0x7e || UNSAFE.has(b))) out += '%' + HEX[b >> 4] + HEX[b & 15]
    else out += String.fromCharCode(b)
  }
  return out
}

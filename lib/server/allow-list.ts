/** Which peers may connect: FreeSWITCH's addresses as CIDR blocks (default loopback only). */
import { BlockList, isIP } from 'node:net'

export const DEFAULT_ALLOW = ['127.0.0.0/8', '::1/128']

export function parseAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const raw of entries) {
    const entry = raw.trim()
    const [address, bits] = entry.split('/')
    const family = isIP(address ?? '')
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits)
    if (
      family === 0 ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > (family === 6 ? 128 : 32) ||
      (bits !== undefined && !/^\d+$/.test(bits))
    )
      throw new RangeError(`"${entry}" is not an address or CIDR block (e.g. 10.0.0.5 or 10.0.0.0/24)`)
    list.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4')
  }
  return list
}

/** IPv4 peers on a dual-stack socket show as `::ffff:a.b.c.d`. */
export function isAllowed(list: BlockList, remote: string | undefined): boolean {
  if (!remote) return false
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)
  if (mapped) return list.check(mapped[1]!, 'ipv4')
  return list.check(remote, isIP(remote) === 6 ? 'ipv6' : 'ipv4')
}

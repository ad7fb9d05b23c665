/**
 * Just enough XML to read what FreeSWITCH's `xml_locate` writes (`switch_xml_toxml`): elements, attributes in
 * quotes, the five entities and numeric references; comments, processing instructions, CDATA and text are skipped.
 * Malformed input throws with the offset.
 */
export type XmlElement = { name: string; attrs: Record<string, string>; children: XmlElement[] }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    return ENTITIES[ref] ?? whole
  })
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y
const ATTR = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

/** The top-level elements of `text`. */
export function parseXml(text: string): XmlElement[] {
  const root: XmlElement = { name: '', attrs: {}, children: [] }
  const stack = [root]
  let i = 0
  while (i < text.length) {
    const lt = text.indexOf('<', i)
    if (lt < 0) break
    const skip = (open: string, close: string) => {
      if (!text.startsWith(open, lt)) return false
      const end = text.indexOf(close, lt + open.length)
      if (end < 0) throw new SyntaxError(`unterminated ${open} at ${lt}`)
      i = end + close.length
      return true
    }
    if (skip('<!--', '-->') || skip('<?', '?>') || skip('<![CDATA[', ']]>') || skip('<!', '>')) continue
    TAG.lastIndex = lt
    const m = TAG.exec(text)
    if (!m) throw new SyntaxError(`bad tag at ${lt}: ${text.slice(lt, lt + 40)}`)
    const [, closing, name, attrText, selfClosing] = m as unknown as [string, string, string, string, string]
    i = TAG.lastIndex
    if (closing) {
      const open = stack.pop()
      if (open?.name !== name) throw new SyntaxError(`</${name}> at ${lt} closes <${open?.name ?? ''}>`)
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of attrText.matchAll(ATTR)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '')
    const element: XmlElement = { name, attrs, children: [] }
    stack.at(-1)!.children.push(element)
    if (!selfClosing) stack.push(element)
  }
  if (stack.length > 1) throw new SyntaxError(`<${stack.at(-1)!.name}> is never closed`)
  return root.children
}

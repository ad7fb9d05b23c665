/**
 * Readers for the diagrams the renderers write, strict enough to catch broken escaping: a DOT
 * parser for the subset we emit (graph, node and edge statements with attribute lists) and a
 * line-by-line reader of our Mermaid flowcharts. Both return the nodes and edges with their labels
 * decoded, for structural checks.
 */

export type Parsed = {
  nodes: Map<string, string>
  edges: { from: string; to: string; label?: string; dashed: boolean }[]
}

type Token = { kind: 'id' | 'string' | 'punct'; text: string }

function tokenize(src: string): Token[] {
  const tokens: Token[] = []
  const re = /\s+|([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)|("(?:[^"\\\n]|\\.)*")|(->|[{}[\];,=])/y
  let i = 0
  while (i < src.length) {
    re.lastIndex = i
    const m = re.exec(src)
    if (!m) throw new Error(`DOT: unexpected ${JSON.stringify(src.slice(i, i + 20))} at ${i}`)
    if (m[1]) tokens.push({ kind: 'id', text: m[1] })
    else if (m[2]) tokens.push({ kind: 'string', text: m[2] })
    else if (m[3]) tokens.push({ kind: 'punct', text: m[3] })
    i = re.lastIndex
  }
  return tokens
}

/** DOT's escapes in a label: `\"`, `\\`, and the line breaks `\n`, `\l` (read as a newline). */
function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'l' ? '\n' : c))
}

export function parseDot(src: string): Parsed {
  const tokens = tokenize(src)
  let i = 0
  const next = () => {
    const t = tokens[i++]
    if (!t) throw new Error('DOT: unexpected end')
    return t
  }
  const expect = (text: string) => {
    const t = next()
    if (t.text !== text) throw new Error(`DOT: expected ${text}, got ${t.text}`)
  }
  const id = () => {
    const t = next()
    if (t.kind === 'punct') throw new Error(`DOT: expected an identifier, got ${t.text}`)
    return t.kind === 'string' ? unquote(t.text) : t.text
  }
  const attributes = (): Map<string, string> => {
    const attrs = new Map<string, string>()
    if (tokens[i]?.text !== '[') return attrs
    next()
    while (tokens[i]?.text !== ']') {
      const key = id()
      expect('=')
      attrs.set(key, id())
      if (tokens[i]?.text === ',') next()
    }
    expect(']')
    return attrs
  }
  const parsed: Parsed = { nodes: new Map(), edges: [] }
  expect('digraph')
  id()
  expect('{')
  while (tokens[i]?.text !== '}') {
    const first = id()
    if (tokens[i]?.text === '->') {
      next()
      const to = id()
      const attrs = attributes()
      const label = attrs.get('label')
      parsed.edges.push({
        from: first,
        to,
        ...(label !== undefined ? { label } : {}),
        dashed: attrs.get('style') === 'dashed',
      })
    } else {
      const attrs = attributes()
      if (!['graph', 'node', 'edge'].includes(first)) {
        if (parsed.nodes.has(first)) throw new Error(`DOT: node ${first} declared twice`)
        parsed.nodes.set(first, attrs.get('label') ?? first)
      }
    }
    expect(';')
  }
  expect('}')
  if (i !== tokens.length) throw new Error('DOT: text after the graph')
  for (const e of parsed.edges)
    if (!parsed.nodes.has(e.from) || !parsed.nodes.has(e.to))
      throw new Error(`DOT: edge ${e.from} -> ${e.to} to an undeclared node`)
  return parsed
}

/** Mermaid's entity codes and our line breaks. */
function decodeMermaid(s: string): string {
  return s.replace(/<br\/>/g, '\n').replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
}

const QUOTED = '"([^"]*)"'
const NODE = new RegExp(`^  (\\w+)(?:\\[${QUOTED}\\]|\\(\\[${QUOTED}\\]\\))$`)
const EDGE = new RegExp(`^  (\\w+) (-->|-\\.->)(?:\\|${QUOTED}\\|)? (\\w+)$`)
const STYLE = /^ {2}(classDef \w+ [\w:#,]+|class [\w,]+ \w+)$/

export function parseMermaid(src: string): Parsed {
  const lines = src.split('\n')
  if (lines[0] !== 'flowchart TD' || lines.at(-1) !== '')
    throw new Error('Mermaid: not a flowchart ending in a newline')
  const parsed: Parsed = { nodes: new Map(), edges: [] }
  for (const line of lines.slice(1, -1)) {
    const node = NODE.exec(line)
    const edge = EDGE.exec(line)
    if (node) {
      const label = node[2] ?? node[3] ?? ''
      if (/[<>&`|]/.test(label.replace(/<br\/>/g, ''))) throw new Error(`Mermaid: unescaped text in ${line}`)
      parsed.nodes.set(node[1]!, decodeMermaid(label))
    } else if (edge) {
      if (!parsed.nodes.has(edge[1]!) || !parsed.nodes.has(edge[4]!))
        throw new Error(`Mermaid: undeclared node in ${line}`)
      if (edge[3] !== undefined && /[<>&`|]/.test(edge[3])) throw new Error(`Mermaid: unescaped text in ${line}`)
      parsed.edges.push({
        from: edge[1]!,
        to: edge[4]!,
        ...(edge[3] !== undefined ? { label: decodeMermaid(edge[3]) } : {}),
        dashed: edge[2] === '-.->',
      })
    } else if (!STYLE.test(line)) throw new Error(`Mermaid: unexpected line ${JSON.stringify(line)}`)
  }
  return parsed
}

/**
 * A workflow diagram in Graphviz DOT (`dot -Tsvg`).
 *
 * Every identifier we write is generated (`s0`, `e1`); every text is a double-quoted string in which
 * `\` and `"` are escaped, so no label can end its string or inject attributes. The text's own
 * control characters become spaces; line breaks are ours (`\n` centred for the title, `\l` left
 * aligned for the actions).
 */
import type { Diagram, DiagramNode } from './diagram.js'

export function dotString(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').replace(/[\\"]/g, (c) => `\\${c}`)
  return `"${clean}"`
}

/** A quoted string whose `\n`, `\l` are DOT's line breaks: the parts are escaped one by one. */
function labelOf(node: DiagramNode): string {
  const parts = [node.title, ...node.lines].map((p) => dotString(p).slice(1, -1))
  const [title, ...lines] = parts
  return `"${title}${lines.length ? `\\n${lines.map((l) => `${l}\\l`).join('')}` : ''}"`
}

function nodeAttributes(node: DiagramNode): string {
  if (node.kind === 'entry') return 'shape=oval, style=filled, fillcolor="#e8f0fe"'
  if (node.kind === 'end') return 'shape=oval, style=filled, fillcolor="#f3f3f3"'
  return 'shape=box, style=rounded'
}

export function renderDot(d: Diagram): string {
  const out = [
    `digraph ${dotString(d.name)} {`,
    `  graph [rankdir=TB, labelloc=t, label=${dotString(d.title ?? d.name)}];`,
    '  node [fontname="sans-serif"];',
    '  edge [fontname="sans-serif", fontsize=10];',
  ]
  for (const node of d.nodes) out.push(`  ${node.id} [${nodeAttributes(node)}, label=${labelOf(node)}];`)
  for (const e of d.edges) {
    const attrs = [
      ...(e.label !== undefined ? [`label=${dotString(e.label)}`] : []),
      ...(e.fallback ? ['style=dashed'] : []),
    ]
    out.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`)
  }
  out.push('}')
  return `${out.join('\n')}\n`
}

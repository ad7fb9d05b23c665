/**
 * A workflow diagram as a Mermaid flowchart (GitHub renders ```mermaid blocks).
 *
 * Every label is a quoted string; inside it Mermaid reads `#name;` / `#NN;` as entity codes, so the
 * characters that would end or change the string (`"`, `#`, `&`, `<`, `>`, `|`, a backtick, which
 * would make a Markdown string) are written as numeric codes. Line breaks are ours (`<br/>`); the
 * text's own control characters become spaces.
 */
import type { Diagram, DiagramNode } from './diagram.js'

export function mermaidText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ')
      .replace(/["#&<>|`]/g, (c) => `#${c.codePointAt(0)};`)
  )
}

function label(node: DiagramNode): string {
  return [node.title, ...node.lines].map(mermaidText).join('<br/>')
}

function shape(node: DiagramNode): string {
  const text = `"${label(node)}"`
  return node.kind === 'step' ? `[${text}]` : `([${text}])`
}

export function renderMermaid(d: Diagram): string {
  const out = ['flowchart TD']
  for (const node of d.nodes) out.push(`  ${node.id}${shape(node)}`)
  for (const e of d.edges) {
    const arrow = e.fallback ? '-.->' : '-->'
    out.push(`  ${e.from} ${arrow}${e.label !== undefined ? `|"${mermaidText(e.label)}"|` : ''} ${e.to}`)
  }
  const ends = d.nodes.filter((n) => n.kind === 'end').map((n) => n.id)
  out.push('  classDef entry fill:#e8f0fe,stroke:#4a6fa5')
  out.push('  classDef finish fill:#f3f3f3,stroke:#888')
  out.push('  class entry entry')
  if (ends.length > 0) out.push(`  class ${ends.join(',')} finish`)
  return `${out.join('\n')}\n`
}

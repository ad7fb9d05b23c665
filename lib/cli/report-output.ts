/**
 * A report's rows as text: an aligned table for people, CSV (RFC 4180) for spreadsheets, JSON for programs.
 * Cells may hold anything a caller or an operator typed (commas, quotes, line breaks): CSV quotes them,
 * the table shows them on one line.
 */
import type { ReportRow, ReportValue } from '../store/reports.js'

export const FORMATS = ['table', 'csv', 'json'] as const
export type Format = (typeof FORMATS)[number]

export function formatReport(format: Format, columns: string[], rows: ReportRow[]): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`
  if (format === 'csv') return formatCsv(columns, rows)
  return formatTable(columns, rows)
}

/** Quoted only when needed; null is an empty field; lines end in CRLF as RFC 4180 says. */
export function formatCsv(columns: string[], rows: ReportRow[]): string {
  const lines = [columns, ...rows.map((row) => columns.map((c) => csvText(row[c])))]
  return lines.map((cells) => `${cells.map(csvField).join(',')}\r\n`).join('')
}

function csvText(value: ReportValue | undefined): string {
  return value === null || value === undefined ? '' : String(value)
}

function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Columns padded to their widest cell, numbers right-aligned; null shows as "-". */
export function formatTable(columns: string[], rows: ReportRow[]): string {
  const body = rows.map((row) => columns.map((c) => tableText(row[c])))
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] === null))
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((cells) => cells[i]!.length)))
  const line = (cells: string[]) =>
    `${cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}\n`
  const out = [line(columns), ...body.map(line)].join('')
  return rows.length === 0 ? `${out}(no rows)\n` : out
}

function tableText(value: ReportValue | undefined): string {
  if (value === null || value === undefined) return '-'
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[\u0000-\u001f\u007f]/g, ' ')
}

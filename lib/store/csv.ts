/**
 * A CSV reader (RFC 4180: comma-separated, fields optionally in double quotes with "" for a quote)
 * that knows the line each record starts on and carries on after a bad record, so an import can
 * report every bad row by its line and keep the good ones. Line breaks may be CRLF, LF or CR.
 */

export type CsvRecord = { line: number; fields: string[] }
export type CsvError = { line: number; message: string }
export type CsvResult = { records: CsvRecord[]; errors: CsvError[] }

export function readCsv(input: string): CsvResult {
  const text = input.replace(/^\uFEFF/, '')
  const records: CsvRecord[] = []
  const errors: CsvError[] = []
  let i = 0
  let line = 1
  const atBreak = () => text[i] === '\n' || text[i] === '\r'
  const skipBreak = () => {
    if (text[i] === '\r' && text[i + 1] === '\n') i++
    i++
    line++
  }
  const skipRestOfLine = () => {
    while (i < text.length && !atBreak()) i++
    if (i < text.length) skipBreak()
  }
  while (i < text.length) {
    const start = line
    const fields: string[] = []
    let bad: string | undefined
    for (;;) {
      let value = ''
      if (text[i] === '"') {
        i++
        let closed = false
        while (i < text.length) {
          const c = text[i]!
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"'
              i += 2
              continue
            }
            i++
            closed = true
            break
          }
          if (c === '\r' || c === '\n') {
            value += '\n'
            skipBreak()
            continue
          }
          value += c
          i++
        }
        if (!closed) {
          errors.push({ line: start, message: `a quoted field is never closed (lines ${start}-${line} not read)` })
          return { records, errors }
        }
        if (i < text.length && text[i] !== ',' && !atBreak()) bad = 'text after a closing quote (write "" for a quote)'
      } else {
        while (i < text.length && text[i] !== ',' && !atBreak()) value += text[i++]
      }
      if (bad) break
      fields.push(value)
      if (text[i] === ',') {
        i++
        continue
      }
      break
    }
    if (bad) {
      errors.push({ line: start, message: bad })
      skipRestOfLine()
      continue
    }
    if (i < text.length) skipBreak()
    if (fields.length === 1 && fields[0] === '') continue
    if (fields.some((f) => f.includes('\u0000'))) errors.push({ line: start, message: 'contains a NUL character' })
    else records.push({ line: start, fields })
  }
  return { records, errors }
}

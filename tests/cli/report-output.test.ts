/** Report output: CSV quoting of awkward text, table alignment, JSON as it came. */
import t from 'tap'
import { formatCsv, formatReport, formatTable } from '../../lib/cli/report-output.js'

const columns = ['team', 'note', 'calls', 'rate']
const rows = [
  { team: 'a,b', note: 'says "hi"\r\nthen left', calls: 12, rate: 33.3 },
  { team: 'support', note: null, calls: 3, rate: null },
  { team: ' padded ', note: 'plain', calls: 100, rate: 0 },
]

t.test('csv quotes commas, quotes, line breaks and edge spaces; null is empty', async (t) => {
  t.equal(
    formatCsv(columns, rows),
    [
      'team,note,calls,rate',
      '"a,b","says ""hi""\r\nthen left",12,33.3',
      'support,,3,',
      '" padded ",plain,100,0',
      '',
    ].join('\r\n'),
  )
  t.equal(formatCsv(columns, []), 'team,note,calls,rate\r\n', 'no rows: the header alone')
})

t.test('table: padded columns, numbers to the right, one line per row, null as -', async (t) => {
  t.equal(
    formatTable(columns, rows),
    [
      'team      note                  calls  rate',
      'a,b       says "hi"  then left     12  33.3',
      'support   -                         3     -',
      ' padded   plain                   100     0',
      '',
    ].join('\n'),
  )
  t.equal(formatTable(columns, []), 'team  note  calls  rate\n(no rows)\n')
})

t.test('json: the rows as they are', async (t) => {
  t.same(JSON.parse(formatReport('json', columns, rows)), rows)
})

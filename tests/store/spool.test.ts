import t, { type Test } from 'tap'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CallRecord } from '../../lib/engine/record.js'
import { DirectoryLocked } from '../../lib/store/lock.js'
import { Spool, type SpoolItem } from '../../lib/store/spool.js'

const call = (id: string) => ({ kind: 'call', record: { id } as CallRecord }) as const
const ids = (items: SpoolItem[]) => items.map((i) => (i.kind === 'call' ? i.record.id : i.sms.id))

async function spoolDir(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'ivr-spool-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'spool')
}

t.test('append, replay in order, and nothing left after', async (t) => {
  const dir = await spoolDir(t)
  const spool = new Spool(dir)
  t.teardown(() => spool.close())
  t.equal(await spool.pending(), false)
  await Promise.all(['a', 'b', 'c'].map((id) => spool.append(call(id))))
  t.equal(await spool.pending(), true)
  const written: SpoolItem[] = []
  const result = await spool.replay(
    async (item) => void written.push(item),
    async () => true,
  )
  t.same(result, { replayed: 3, rejected: 0, remaining: 0 })
  t.same(ids(written), ['a', 'b', 'c'])
  t.equal(await spool.pending(), false)
  t.same(await readdir(dir), [])
})

t.test('an outage stops the replay and keeps the rest; the next replay takes it from the claimed file', async (t) => {
  const dir = await spoolDir(t)
  const spool = new Spool(dir)
  t.teardown(() => spool.close())
  for (const id of ['a', 'b', 'c']) await spool.append(call(id))
  const written: string[] = []
  const first = await spool.replay(
    async (item) => {
      if (item.kind === 'call' && item.record.id === 'b') throw new Error('connection refused')
      written.push(ids([item])[0]!)
    },
    async () => true,
  )
  t.same(first, { replayed: 1, rejected: 0, remaining: 2 })
  // Appended while the claimed file waits: a new pending file, replayed after the claimed one.
  await spool.append(call('d'))
  const second = await spool.replay(
    async (item) => void written.push(ids([item])[0]!),
    async () => true,
  )
  t.same(second, { replayed: 4, rejected: 0, remaining: 0 })
  t.same(
    written,
    ['a', 'a', 'b', 'c', 'd'],
    'lines are written again from the start of the claimed file (writes are idempotent)',
  )
})

t.test('a line the database refuses, or a broken line, is set aside with the reason', async (t) => {
  const dir = await spoolDir(t)
  const spool = new Spool(dir)
  t.teardown(() => spool.close())
  await spool.append(call('a'))
  await writeFile(join(dir, 'pending.jsonl'), '{"v":1,"kind":"call","rec\n', { flag: 'a' })
  await spool.append(call('b'))
  const result = await spool.replay(
    async (item) => {
      if (item.kind === 'call' && item.record.id === 'a') throw new Error('value too long')
    },
    async () => false,
  )
  t.same(result, { replayed: 1, rejected: 2, remaining: 0 })
  const rejected = (await readFile(join(dir, 'rejected.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  t.same(
    rejected.map((r: { reason: string }) => r.reason),
    ['value too long', 'not a spool line'],
  )
})

t.test('a spool directory is one process’s', async (t) => {
  const dir = await spoolDir(t)
  const spool = new Spool(dir)
  t.throws(() => new Spool(dir), DirectoryLocked)
  spool.close()
  new Spool(dir).close()
})

/** `${…}` expansion: what FreeSWITCH would run, recorded in `dangerous` so that tests can require it empty. */
import t from 'tap'
import { exec, router, start, variable, withCall } from './helpers.js'

t.teardown(() => router.close())

const data = (events: Record<string, unknown>[]) => events[0]?.['Application-Data']

t.test('set with ${md5(x)} runs the API and is flagged', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    const events = await exec(c, 'set', 'foo=${md5(hello)}')
    t.equal(data(events), 'foo=5d41402abc4b2a76b9719d911017c592')
    t.equal(variable(events[1], 'foo'), '5d41402abc4b2a76b9719d911017c592')
  })
  t.same(result.dangerous, [{ app: 'set', input: 'foo=${md5(hello)}', command: 'md5', arg: 'hello' }])
})

t.test('a backslash does not save set: its value is expanded a second time', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    const events = await exec(c, 'set', 'foo=\\${md5(hello)}')
    t.equal(data(events), 'foo=${md5(hello)}', 'the first expansion only removed the backslash')
    t.equal(variable(events[1], 'foo'), '5d41402abc4b2a76b9719d911017c592')
  })
  t.equal(result.dangerous.length, 1)
})

t.test('plain variables expand without being flagged; export does not expand twice', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    t.equal(data(await exec(c, 'set', 'who=${caller_id_number}:${destination_number:3:4}')), 'who=01012345678:1234')
    const exported = await exec(c, 'export', 'kept=\\${md5(hello)}')
    t.equal(variable(exported[1], 'kept'), '${md5(hello)}')
    t.equal(variable(exported[1], 'export_vars'), 'kept')
  })
  t.same(result.dangerous, [])
})

t.test('outside text holding ${…} is run when a variable reaches an argument', async (t) => {
  const channel = { callerName: '${md5(pwned)}' }
  const { result } = await withCall({ channel }, async (c) => {
    await start(c)
    await exec(c, 'playback', 'say:${caller_id_name}')
  })
  t.equal(result.dangerous.length, 1)
  t.equal(result.dangerous[0]?.command, 'md5')
})

t.test('app_disable_expand_variables leaves arguments alone', async (t) => {
  const { result } = await withCall({}, async (c) => {
    await start(c)
    await exec(c, 'set', 'app_disable_expand_variables=true')
    t.equal(data(await exec(c, 'playback', '${md5(x)}.wav')), '${md5(x)}.wav')
  })
  t.same(result.dangerous, [])
})

/** The README's first run: an empty embedded database gets the demo, and the log says whom its agents dial. */
import t from 'tap'
import { serveProcess } from '../helpers/serve-process.js'
import { tempDir } from '../helpers/store.js'

t.test(
  'the demo agents dial stock FreeSWITCH users, and the first start says how to point them at phones',
  async (t) => {
    const dataDir = await tempDir(t, 'ivr-demo-')
    const serve = await serveProcess(t, { IVR_DATA_DIR: dataDir, DATABASE_URL: undefined }, ['--demo'])
    const lines = serve
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; agents?: { name: string; dial: string }[] })
    const demo = lines.find((l) => l.agents)
    t.same(demo?.agents, [
      { name: 'minji', dial: 'user/1000' },
      { name: 'junho', dial: 'user/1001' },
    ])
    t.match(demo?.msg, /point them at real phones with `ivr-router agent add minji --dial user\/EXTENSION@DOMAIN`/)
    t.match(demo?.msg, /`ivr-router doctor` names the ones not registered/)
    t.equal(await serve.stop(), 0)
  },
)

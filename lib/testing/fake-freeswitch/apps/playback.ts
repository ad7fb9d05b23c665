/** `playback FILE`: Application-Response FILE PLAYED (also when broken off), FILE NOT FOUND, or PLAYBACK ERROR on hangup (mod_dptools.c). */
import type { App } from './context.js'
import { playFile } from './play-file.js'

export const playback: App = {
  media: true,
  async run(ctx, file) {
    const end = await playFile(ctx, file)
    ctx.setResponse(end === 'missing' ? 'FILE NOT FOUND' : end === 'hangup' ? 'PLAYBACK ERROR' : 'FILE PLAYED')
  },
}

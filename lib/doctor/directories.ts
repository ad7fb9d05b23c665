/** A directory the router writes to (voicemail recordings, rendered prompts) exists or can be made, and takes a file. */
import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fail, messageOf, pass, type CheckResult } from './check.js'

export async function checkWritable(name: string, dir: string): Promise<CheckResult> {
  const path = resolve(dir)
  const probe = join(path, `.ivr-doctor-${randomUUID()}`)
  try {
    await mkdir(path, { recursive: true })
    await writeFile(probe, 'ok')
    return pass(name, path)
  } catch (err) {
    return fail(
      name,
      `${path}: ${messageOf(err)}`,
      `create it and give the router's user write access (chown ivr-router ${path}); FreeSWITCH must read it too`,
    )
  } finally {
    // Nothing to remove when the directory could not be made (rm's force does not cover ENOTDIR).
    await rm(probe, { force: true }).catch(() => {})
  }
}

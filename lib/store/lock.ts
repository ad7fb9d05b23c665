/**
 * A directory that belongs to one process: the embedded database (PGlite keeps pages in memory,
 * and two processes on one directory overwrite each other's writes) and the spool (two processes
 * replaying one file would race). A lock file beside the directory holds the owner's pid; a lock
 * whose process is gone is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export class DirectoryLocked extends Error {
  override readonly name = 'DirectoryLocked' as const
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/**
 * Takes the lock of `dir` for this process and returns its release. Throws DirectoryLocked with
 * `inUse(pid)` as the message when a live process holds it.
 */
export function lockDirectory(dir: string, inUse: (pid: number) => string): () => void {
  const file = `${dir}.lock`
  mkdirSync(dirname(file), { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err
      const pid = readPid(file)
      if (pid !== undefined && alive(pid)) throw new DirectoryLocked(inUse(pid))
      unlinkSync(file)
    }
  }
  return () => {
    if (readPid(file) === process.pid) unlinkSync(file)
  }
}

/**
 * The embedded database is one process's: PGlite keeps pages in memory and two processes on one
 * directory overwrite each other's writes. A lock file beside the directory holds the owner's pid;
 * a lock whose process is gone is taken over.
 */
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { dirname } from 'node:path'

export class StoreLocked extends Error {
  override readonly name = 'StoreLocked' as const
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid} (a running serve?): stop it first, or use PostgreSQL (DATABASE_URL) to change things while serve runs`,
    )
  }
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

/** Takes the lock of `dataDir` for this process; returns its release. Throws StoreLocked. */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`
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
      if (pid !== undefined && alive(pid)) throw new StoreLocked(dataDir, pid)
      unlinkSync(file)
    }
  }
  return () => {
    if (readPid(file) === process.pid) unlinkSync(file)
  }
}

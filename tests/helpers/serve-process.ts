/** Test helper: `ivr-router serve` on a database as a separate process, as an operator runs it. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { freePort } from './net.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

export type ServeProcess = {
  port: number
  child: ChildProcess
  /** What it logged so far (JSON lines). */
  stderr(): string
  /** SIGTERM, then waits for the exit code (live calls drain first). */
  stop(): Promise<number | null>
  /** SIGKILL: the router dies as in a crash, nothing cleaned up. */
  kill(): Promise<void>
}

/** Starts serve on the database of `env` and resolves once it listens; killed at teardown. */
export async function serveProcess(
  t: Test,
  env: NodeJS.ProcessEnv,
  args: string[] = ['--no-demo'],
): Promise<ServeProcess> {
  const port = await freePort()
  const scratch = mkdtempSync(join(tmpdir(), 'ivr-serve-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/ivr-router.ts', 'serve', '--listen', `127.0.0.1:${port}`, ...args],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, IVR_SPOOL_DIR: join(scratch, 'spool'), IVR_TTS_DIR: join(scratch, 'tts'), ...env },
    },
  )
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => void child.kill('SIGKILL'))
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (stderr.includes('ivr-router listening')) resolve()
    })
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)))
  })
  return {
    port,
    child,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM')
      return exited
    },
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    },
  }
}

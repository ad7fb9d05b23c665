/** The machine a bench ran on. */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

export function machine(): { nproc: number; cpu: string; node: string; memoryGiB: number } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const memTotal = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))
  return {
    nproc: availableParallelism(),
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    node: process.version,
    memoryGiB: Math.round(Number(memTotal?.[1] ?? 0) / 1024 / 1024),
  }
}

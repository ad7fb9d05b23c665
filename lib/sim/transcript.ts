/** The readable transcript of `simulate`: one line per event, with the time offset and the step. */
import type { CallEvent } from '../engine/record.js'

function describe(e: CallEvent): string {
  switch (e.type) {
    case 'step':
      return `enter step (workflow ${e.workflow})`
    case 'message':
      return `play ${e.prompt}`
    case 'menu': {
      const pressed = e.keys === '' ? 'no key' : `pressed ${e.keys}`
      return `menu, play ${e.play}: ${pressed} → ${e.result === 'ok' ? `go to ${e.goto}` : e.result}`
    }
    case 'collect': {
      const pressed = e.keys === '' ? 'no input' : `entered ${e.keys}`
      return `form ${e.field}, play ${e.play}: ${pressed} → ${e.result}`
    }
    case 'exhausted':
      return `${e.action}: repeat count used up → ${e.goto ? `go to ${e.goto}` : 'end call'}`
    case 'branch':
      return e.goto === null ? 'branch: no condition held, go on' : `branch ${e.index + 1} → go to ${e.goto}`
    case 'goto':
      return `go to ${e.goto}`
    case 'assign':
      return e.team ? `assign team ${e.team}` : `assign agent ${e.agent}`
    case 'unassign':
      return `unassign ${e.what}`
    case 'ring': {
      const who = e.agent ? `agent ${e.agent}` : e.team ? `team ${e.team}` : 'nobody assigned'
      const legs = e.targets.length ? ` (${e.targets.join(', ')})` : ''
      return `ring ${who}${legs} → ${e.result}${e.answeredBy ? ` by ${e.answeredBy}` : ''}`
    }
    case 'queue':
      if (e.event === 'enter') return `queue${e.team ? ` for ${e.team}` : ''}: hold music`
      if (e.event === 'workflow') return `queue: run queued workflow ${e.workflow}`
      if (e.event === 'position') return `queue: position ${e.position} announced`
      return `queue: left after ${e.waitSeconds?.toFixed(1)} s`
    case 'voicemail':
      return e.recorded ? `voicemail recorded, ${e.seconds} s (${e.path})` : 'voicemail: nothing recorded'
    case 'sms':
      return `sms to ${e.to}: ${e.text}`
    case 'tag':
      return `tag ${e.tags.join(', ')}`
    case 'callback-input': {
      const pressed = e.keys === '' ? 'no key' : `pressed ${e.keys}`
      return `callback number, play ${e.play}: ${pressed} → ${e.result}`
    }
    case 'callback':
      return e.result === 'taken'
        ? `callback taken for ${e.number} (${e.id})`
        : `callback not taken: ${e.result}${e.number ? ` (${e.number})` : ''} → ${e.goto ? `go to ${e.goto}` : 'go on'}`
    case 'hangup':
      return `hang up by ${e.by}${e.cause ? ` (${e.cause})` : ''}`
    case 'error':
      return `error: ${e.message}`
    case 'http': {
      const took = `${e.ms} ms${e.held ? ' (hold music meanwhile)' : ''}`
      if (e.result === 'ok') {
        const used = Object.entries(e.values ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        return `http ${e.name} (${e.endpoint}): ${e.status}, ${took}${used.length ? `: ${used.join(', ')}` : ''}`
      }
      return `http ${e.name} (${e.endpoint}): ${e.result}, ${e.message ?? ''}, ${took} → ${e.goto ? `go to ${e.goto}` : 'go on without data'}`
    }
  }
}

export function transcriptLine(e: CallEvent): string {
  const step = 'step' in e && e.step ? e.step : ''
  return `${`+${(e.at / 1000).toFixed(1)}s`.padStart(8)}  ${step.padEnd(8)}  ${describe(e)}`
}

/** Runs one action: dispatches on its single key to the action's own module. */
import type { Action } from '../../workflow/schema.js'
import type { ActionContext, Next } from '../context.js'
import { assign, unassign } from './assign.js'
import { branch } from './branch.js'
import { callback } from './callback.js'
import { collect } from './collect.js'
import { connect } from './connect.js'
import { hangup } from './hangup.js'
import { http } from './http.js'
import { menu } from './menu.js'
import { message } from './message.js'
import { sms } from './sms.js'
import { tag } from './tag.js'
import { voicemail } from './voicemail.js'

export async function runAction(action: Action, ctx: ActionContext): Promise<Next> {
  if ('message' in action) return message(action.message, ctx)
  if ('menu' in action) return menu(action.menu, ctx)
  if ('collect' in action) return collect(action.collect, ctx)
  if ('branch' in action) return branch(action.branch, ctx)
  if ('assign' in action) return assign(action.assign, ctx)
  if ('unassign' in action) return unassign(action.unassign, ctx)
  if ('connect' in action) return connect(action.connect, ctx)
  if ('voicemail' in action) return voicemail(action.voicemail, ctx)
  if ('hangup' in action) return hangup(action.hangup, ctx)
  if ('sms' in action) return sms(action.sms, ctx)
  if ('tag' in action) return tag(action.tag, ctx)
  if ('http' in action) return http(action.http, ctx)
  if ('callback' in action) return callback(action.callback, ctx)
  ctx.emit({ type: 'goto', step: ctx.step, goto: action.goto })
  return { goto: action.goto }
}

/** Applications with no media of their own (mod_dptools.c). */
import type { App } from './context.js'
import { causeName } from '../causes.js'

export const answer: App = { media: false, run: (ctx) => ctx.answer() }

export const preAnswer: App = { media: false, run: (ctx) => ctx.preAnswer() }

/** `set var=value` (or `var,value`): the value is expanded once more; an empty value unsets (base_set). */
export const set: App = {
  media: false,
  run(ctx, data) {
    if (!data) return ctx.problem('set without a variable name')
    const eq = data.includes('=') ? data.indexOf('=') : data.indexOf(',')
    const name = eq < 0 ? data : data.slice(0, eq)
    const value = eq < 0 ? '' : data.slice(eq + 1)
    ctx.channel.vars.set(name, value ? ctx.expand(value) : undefined)
  },
}

/** `export var=value`: sets it without a second expansion and lists it in `export_vars`. */
export const exportVar: App = {
  media: false,
  run(ctx, data) {
    if (!data) return ctx.problem('export without a variable name')
    const eq = data.indexOf('=')
    const name = eq < 0 ? data : data.slice(0, eq)
    const vars = ctx.channel.vars
    vars.set(name, eq < 0 ? undefined : data.slice(eq + 1))
    const listed = (vars.text('export_vars') ?? '').split(',').filter(Boolean)
    if (!listed.includes(name)) vars.set('export_vars', [...listed, name].join(','))
  },
}

export const unset: App = {
  media: false,
  run(ctx, name) {
    if (!name) return ctx.problem('unset without a variable name')
    ctx.channel.vars.delete(name)
  },
}

export const hangup: App = { media: false, run: (ctx, cause) => ctx.hangup(causeName(cause)) }

/** `break`: stops the media the channel is playing (the app runs nested inside it, trace break_moh). */
export const breakApp: App = { media: false, run: (ctx) => ctx.requestBreak() }

export const sleep: App = {
  media: false,
  async run(ctx, ms) {
    await ctx.play(parseInt(ms, 10) || 0)
  },
}

/** The facts conditions look at, taken from the call's state; the contact is looked up once per call. */
import type { Contact } from '../workflow/schema.js'
import type { ConditionFacts } from './conditions.js'
import type { ActionContext, CallState } from './context.js'

const contacts = new WeakMap<CallState, Promise<Contact | undefined>>()

export function factsOf(ctx: Pick<ActionContext, 'state' | 'world'>): ConditionFacts {
  const { state, world } = ctx
  return {
    callerE164: state.callerE164,
    caller: state.caller,
    dialedE164: state.dialedE164,
    dialed: state.dialed,
    fields: state.fields,
    data: state.data,
    team: state.team,
    contact() {
      let p = contacts.get(state)
      if (!p) {
        p = state.callerE164 ? world.contact(state.callerE164) : Promise.resolve(undefined)
        contacts.set(state, p)
      }
      return p
    },
    sawClosed() {
      state.offHours = true
    },
  }
}

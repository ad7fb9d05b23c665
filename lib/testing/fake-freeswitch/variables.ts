/**
 * Channel variables with FreeSWITCH's ordering: names are matched case-insensitively, setting a variable moves it
 * to the end (the event keeps unique headers by deleting and re-adding), and pushing onto an existing variable
 * turns it into an array in place (`variable_originated_legs`). Events list them in this order.
 */
export type VarValue = string | string[]

export class Variables {
  #map = new Map<string, { name: string; value: VarValue }>()

  get(name: string): VarValue | undefined {
    return this.#map.get(name.toLowerCase())?.value
  }

  /** The value as `switch_channel_get_variable` returns it: an array reads as its first element. */
  text(name: string): string | undefined {
    const value = this.get(name)
    return Array.isArray(value) ? value[0] : value
  }

  /** Sets `name`; an empty or missing value deletes it, as `switch_channel_set_variable(…, NULL)` does. */
  set(name: string, value: string | undefined): void {
    const key = name.toLowerCase()
    this.#map.delete(key)
    if (value !== undefined && value !== '') this.#map.set(key, { name, value })
  }

  delete(name: string): void {
    this.#map.delete(name.toLowerCase())
  }

  /** `SWITCH_STACK_PUSH`: appends to an existing variable where it stands. */
  push(name: string, value: string): void {
    const entry = this.#map.get(name.toLowerCase())
    if (!entry) this.#map.set(name.toLowerCase(), { name, value })
    else entry.value = Array.isArray(entry.value) ? [...entry.value, value] : [entry.value, value]
  }

  entries(): [string, VarValue][] {
    return [...this.#map.values()].map(({ name, value }) => [name, value])
  }

  toObject(): Record<string, VarValue> {
    return Object.fromEntries(this.entries())
  }
}

/**
 * Text from outside (caller ID name and number, collected digits, form fields, SMS text) on its way into a
 * FreeSWITCH command. FreeSWITCH ends a header at LF, a command at a blank line, a C string at NUL, and expands
 * `${…}` and `$${…}` (API calls included) in application arguments: fixtures/freeswitch `injection`.
 * Prefer storing such text with `uuid_setvar` (command.ts), which does not expand, and still strip it.
 */

/** C0 and C1 controls (CR, LF, NUL, DEL …) and the Unicode line and paragraph separators. */
const CONTROLS = /[\p{Cc}\p{Zl}\p{Zp}]/gu

/** What splits or groups an application's arguments: whitespace, quotes, braces, brackets, comma, pipe, backslash. */
const TOKEN_BREAKERS = /[\s"'{}[\],|\\]/g

/** Removing one `${` can bring two others together (`$${{`): repeat until none is left. */
function withoutExpansions(text: string): string {
  let out = text
  while (out.includes('${')) out = out.replaceAll('$${', '').replaceAll('${', '')
  return out
}

/** The text without controls (CR, LF and NUL included) and without `${` or `$${`, however they are nested. */
export function stripForFreeswitch(text: string): string {
  return withoutExpansions(text.replace(CONTROLS, ''))
}

/**
 * The text as one word of an application's space-separated arguments: stripped as above and without anything that
 * splits or groups words, or escapes in them. May be empty: the caller decides what an empty word means.
 */
export function argToken(text: string): string {
  return withoutExpansions(text.replace(CONTROLS, '').replace(TOKEN_BREAKERS, ''))
}

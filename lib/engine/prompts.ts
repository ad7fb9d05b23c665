/** Short labels for prompts in events and transcripts. */
import type { Prompt } from '../workflow/schema.js'

export function describePrompt(p: Prompt): string {
  return 'say' in p ? `say "${p.say}"` : `play ${p.play}`
}

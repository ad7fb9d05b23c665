/**
 * The agent-first dialer of `simulate --callback answer,no-answer,…` (virtual time): the agent offered answers
 * after a short ring and hears the whisper, then the customer does what the next entry of the script says —
 * `answer` (talks `talkSeconds`), `no-answer` (rings `ringSeconds` out) or `busy` — and the script's end is
 * `no-answer`. What it rang is kept for the transcript.
 */
import type { Clock, Offer } from '../engine/world.js'
import type { AgentFirstDialer, HeldCallback, ServeResult } from '../routing/callback-runner.js'

export type CustomerAnswer = 'answer' | 'no-answer' | 'busy'
export const CUSTOMER_ANSWERS: readonly CustomerAnswer[] = ['answer', 'no-answer', 'busy']

/** A ring of an agent before answering, the whisper, the customer's ring before no answer (virtual seconds). */
const AGENT_RING_S = 5
const WHISPER_S = 8
const CUSTOMER_RING_S = 30
const BUSY_S = 2

export class SimCallbackDialer implements AgentFirstDialer {
  #next = 0

  constructor(
    private readonly clock: Clock,
    private readonly script: readonly CustomerAnswer[],
    private readonly talkSeconds: number,
  ) {}

  async serve(_callback: HeldCallback, offer: Offer, counted: () => Promise<boolean>): Promise<ServeResult> {
    const agent = offer.targets[0]!.agent
    await this.clock.sleep((AGENT_RING_S + WHISPER_S) * 1000)
    const answeredAt = this.clock.now()
    if (!(await counted())) return { agent: 'answered', name: agent, customer: 'not-ours', agentSeconds: WHISPER_S }
    const answer = this.script[this.#next++] ?? 'no-answer'
    if (answer === 'answer') {
      await this.clock.sleep(this.talkSeconds * 1000)
      return { agent: 'answered', name: agent, customer: 'answered', talkSeconds: this.talkSeconds }
    }
    await this.clock.sleep((answer === 'busy' ? BUSY_S : CUSTOMER_RING_S) * 1000)
    return {
      agent: 'answered',
      name: agent,
      customer: 'unreached',
      cause: answer === 'busy' ? 'USER_BUSY' : 'NO_ANSWER',
      agentSeconds: (this.clock.now() - answeredAt) / 1000 + WHISPER_S,
    }
  }
}

/**
 * The router's Prometheus instruments, in a registry of their own per `serve` (tests run several at
 * once). On the call's hot path only label-free histograms and one counter per finished call are
 * touched; everything that can be read when scraped (calls in progress, queues, the spool, agents)
 * is read then, by `collect()`. Labels are bounded: workflow names, outcomes, inbox reasons, teams,
 * agent statuses, query kinds; never numbers or call ids.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AttemptResult } from '../routing/callback-runner.js'
import type { AgentNotice } from '../routing/ledger.js'
import type { CallRecord } from '../engine/record.js'
import type { EslTiming } from '../esl/session.js'
import type { QueueStat } from '../routing/queue-stats.js'

/** From ~50 µs (a command answered on loopback) to seconds (a database or switch in trouble). */
export const LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]

/** What the metrics read at scrape time; set once serve has its server and world. */
export type MetricSources = {
  callsInProgress(): number
  callsFailed(): number
  rejectedConnections(): number
  queueStats(): QueueStat[]
  /** Lines in the spool (store only). */
  spoolDepth?(): Promise<number>
  /** Agents by status, and how many hold a reservation (store only). */
  agents?(): Promise<{ byStatus: Record<string, number>; onCall: number }>
  /** Open callbacks by status (store only). */
  callbacks?(): Promise<Record<'waiting' | 'serving', number>>
}

/** Reads at scrape time that take longer count as failed, so one slow database never stalls a scrape. */
const SCRAPE_QUERY_MS = 1000

export class Metrics {
  readonly registry = new Registry()
  sources: MetricSources | undefined
  /** A scrape-time read that failed (database away): logged by whoever owns the metrics. */
  onCollectError: (what: string, err: unknown) => void = () => {}

  readonly #calls: Counter<'workflow' | 'outcome'>
  readonly #inbox: Counter<'reason'>
  readonly #think: Histogram
  readonly #roundTrip: Histogram
  readonly #query: Histogram<'op'>
  readonly #smsSent: Counter
  readonly #httpSeconds: Histogram<'endpoint'>
  readonly #httpRequests: Counter<'endpoint' | 'result'>
  readonly #smsFailed: Counter
  readonly #agentsAway: Counter
  readonly #agentsUnreachable: Counter<'cause'>
  readonly #boxMissing: Counter<'box'>
  readonly #callbackAttempts: Counter<'result'>
  #agentsRead: Promise<{ byStatus: Record<string, number>; onCall: number } | undefined> | undefined

  /** For EslServer: both histograms fed by the session. */
  readonly esl: EslTiming

  constructor() {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    // Gauges and counters read from the sources below use `this` of prom-client's collect: arrow
    // functions keep the Metrics instance, and the instrument is named by its variable.
    const inProgress: Gauge = new Gauge({
      name: 'ivr_calls_in_progress',
      help: 'Calls (Event Socket connections) being handled now',
      registers,
      collect: () => inProgress.set(this.sources?.callsInProgress() ?? 0),
    })
    this.#calls = new Counter({
      name: 'ivr_calls_total',
      help: 'Finished calls by workflow and outcome (connected, abandoned, missed, voicemail, hangup)',
      labelNames: ['workflow', 'outcome'],
      registers,
    })
    const failed: Counter = new Counter({
      name: 'ivr_calls_failed_total',
      help: 'Calls the router failed on (internal error; the caller heard the fallback prompt)',
      registers,
      collect: () => setCounter(failed, this.sources?.callsFailed() ?? 0),
    })
    this.#inbox = new Counter({
      name: 'ivr_inbox_rows_total',
      help: 'Inbox rows written, by reason (queue_abandoned, workflow_hangup, voicemail, router_lost)',
      labelNames: ['reason'],
      registers,
    })
    const rejected: Counter = new Counter({
      name: 'ivr_esl_connections_rejected_total',
      help: 'Event Socket connections refused: the peer is not in the allow list',
      registers,
      collect: () => setCounter(rejected, this.sources?.rejectedConnections() ?? 0),
    })
    this.#think = new Histogram({
      name: 'ivr_router_think_seconds',
      help: "Router time per step: from an application's CHANNEL_EXECUTE_COMPLETE arriving to the next command leaving",
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.#roundTrip = new Histogram({
      name: 'ivr_esl_command_seconds',
      help: 'Event Socket command round trip: from the command leaving to its reply arriving',
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.#query = new Histogram({
      name: 'ivr_db_query_seconds',
      help: 'Database calls made for calls, by kind (contact, reserve, release, record, sms, reload, renew, ping)',
      labelNames: ['op'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
    const spool: Gauge = new Gauge({
      name: 'ivr_spool_depth',
      help: 'Records and SMS waiting in the local spool for the database',
      registers,
      collect: async () => {
        const depth = this.sources?.spoolDepth
        if (depth) spool.set(await this.#read('spool', depth(), 0))
      },
    })
    const queueLength: Gauge<'team'> = new Gauge({
      name: 'ivr_queue_length',
      help: 'Callers waiting in the queue, by team ("(agent)": waiting for one assigned agent)',
      labelNames: ['team'],
      registers,
      collect: () => {
        queueLength.reset()
        for (const q of this.sources?.queueStats() ?? []) queueLength.set({ team: q.team }, q.length)
      },
    })
    const oldest: Gauge<'team'> = new Gauge({
      name: 'ivr_queue_oldest_wait_seconds',
      help: 'How long the longest-waiting caller of each team has been queued (0: nobody waits)',
      labelNames: ['team'],
      registers,
      collect: () => {
        oldest.reset()
        for (const q of this.sources?.queueStats() ?? []) oldest.set({ team: q.team }, q.oldestWaitSeconds)
      },
    })
    const agents: Gauge<'status'> = new Gauge({
      name: 'ivr_agents',
      help: 'Agents by status (available, away, offline), read from the database when scraped',
      labelNames: ['status'],
      registers,
      collect: async () => {
        const counts = await this.#agentCounts()
        agents.reset()
        for (const [status, n] of Object.entries(counts?.byStatus ?? {})) agents.set({ status }, n)
      },
    })
    const onCall: Gauge = new Gauge({
      name: 'ivr_agents_on_call',
      help: 'Agents reserved for a call (ringing or talking), read from the database when scraped',
      registers,
      collect: async () => {
        const counts = await this.#agentCounts()
        onCall.reset()
        if (counts) onCall.set(counts.onCall)
      },
    })
    this.#httpSeconds = new Histogram({
      name: 'ivr_http_request_seconds',
      help: 'Requests of the http action to an endpoint, by endpoint: how long each took (any result)',
      labelNames: ['endpoint'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
      registers,
    })
    this.#httpRequests = new Counter({
      name: 'ivr_http_requests_total',
      help: 'Requests of the http action by endpoint and result (ok, timeout, refused, network, status, not-json, too-large, unknown-endpoint, cancelled)',
      labelNames: ['endpoint', 'result'],
      registers,
    })
    this.#smsSent = new Counter({ name: 'ivr_sms_sent_total', help: 'SMS handed to the provider', registers })
    this.#smsFailed = new Counter({
      name: 'ivr_sms_failed_total',
      help: 'SMS that failed for good (no more attempts)',
      registers,
    })
    this.#agentsAway = new Counter({
      name: 'ivr_agent_auto_away_total',
      help: 'agents set away by the router after maxNoAnswer unanswered offers in a row',
      registers,
    })
    this.#agentsUnreachable = new Counter({
      name: 'ivr_agent_unreachable_total',
      help: 'rings that could not reach the agent at all, by FreeSWITCH cause (the agent is skipped for a while)',
      labelNames: ['cause'],
      registers,
    })
    this.#boxMissing = new Counter({
      name: 'ivr_voicemail_box_missing_total',
      help: 'voicemails whose mod_voicemail box FreeSWITCH could not find (the router recorded them itself), by box',
      labelNames: ['box'],
      registers,
    })
    const callbacks: Gauge<'status'> = new Gauge({
      name: 'ivr_callbacks',
      help: 'Callbacks open on the database, by status (waiting in line, serving), read when scraped',
      labelNames: ['status'],
      registers,
      collect: async () => {
        const read = this.sources?.callbacks
        const counts = read ? await this.#read('callbacks', read(), undefined) : undefined
        callbacks.reset()
        for (const [status, n] of Object.entries(counts ?? {})) callbacks.set({ status }, n)
      },
    })
    this.#callbackAttempts = new Counter({
      name: 'ivr_callback_attempts_total',
      help: 'Callback offers this router made, by result: served, unreached (the customer), unserved (no agent took it), failed (the last attempt unreached)',
      labelNames: ['result'],
      registers,
    })
    const think = this.#think
    const roundTrip = this.#roundTrip
    this.esl = { think: (s) => think.observe(s), commandRoundTrip: (s) => roundTrip.observe(s) }
  }

  /** A finished call (EslServer's onCall), or one of a stopped router closed here (`failed`). */
  callEnded(record: {
    workflow: string
    outcome: CallRecord['outcome'] | 'failed'
    inbox: { reason: string } | null
  }): void {
    this.#calls.inc({ workflow: record.workflow, outcome: record.outcome })
    if (record.inbox) this.#inbox.inc({ reason: record.inbox.reason })
  }

  /** One database call of `op` took `seconds` (StoreWorld's onQuery). */
  query(op: string, seconds: number): void {
    this.#query.observe({ op }, seconds)
  }

  /** The distributor set an agent away, or found one unreachable (the world's onNotice). */
  agentNotice(notice: AgentNotice): void {
    if (notice.kind === 'away') this.#agentsAway.inc()
    else this.#agentsUnreachable.inc({ cause: notice.cause })
  }

  /** One request of the http action ended (the endpoint client's observe); endpoints are the configuration's names. */
  httpRequest(endpoint: string, result: string, seconds: number): void {
    this.#httpSeconds.observe({ endpoint }, seconds)
    this.#httpRequests.inc({ endpoint, result })
  }

  /** mod_voicemail had no such box; the router recorded the message itself. */
  voicemailBoxMissing(box: string): void {
    this.#boxMissing.inc({ box })
  }

  /** For the callback runner: how one offer of a callback ended. */
  callbackAttempt(result: AttemptResult): void {
    this.#callbackAttempts.inc({ result })
  }

  /** For the SMS worker: one message sent, or failed for good. */
  smsResult(result: 'sent' | 'failed'): void {
    ;(result === 'sent' ? this.#smsSent : this.#smsFailed).inc()
  }

  /** One query per scrape for both agent gauges (prom-client collects them concurrently). */
  #agentCounts(): Promise<{ byStatus: Record<string, number>; onCall: number } | undefined> {
    const read = this.sources?.agents
    if (!read) return Promise.resolve(undefined)
    this.#agentsRead ??= this.#read('agents', read(), undefined).finally(() => (this.#agentsRead = undefined))
    return this.#agentsRead
  }

  async #read<T>(what: string, p: Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${SCRAPE_QUERY_MS} ms`)), SCRAPE_QUERY_MS)
        }),
      ])
    } catch (err) {
      p.catch(() => {})
      this.onCollectError(what, err)
      return fallback
    } finally {
      clearTimeout(timer)
    }
  }
}

/** A counter whose running total is kept elsewhere (the server's stats). */
function setCounter(counter: Counter, total: number): void {
  counter.reset()
  counter.inc(total)
}

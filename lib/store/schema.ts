/**
 * The database tables (drizzle pg-core). `drizzle-kit generate` turns this file into the SQL
 * migrations in sql/migrations/, so it imports nothing but drizzle and types. The SQL runs on
 * PostgreSQL 15 and up and on the embedded PGlite (PostgreSQL 18).
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
  type PgTableExtraConfigValue,
} from 'drizzle-orm/pg-core'
import type { Schedule, Workflow } from '../workflow/schema.js'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const created = () => at('created_at').notNull().defaultNow()
const updated = () => at('updated_at').notNull().defaultNow()
const id = () => integer('id').primaryKey().generatedAlwaysAsIdentity()

export const workflows = pgTable(
  'workflows',
  {
    id: id(),
    name: text('name').notNull().unique(),
    enabled: boolean('enabled').notNull().default(true),
    /** Null only inside the transaction that creates the workflow and its first version. */
    currentVersion: integer('current_version'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t): PgTableExtraConfigValue[] => [
    foreignKey({
      name: 'workflows_current_version_fk',
      columns: [t.id, t.currentVersion],
      foreignColumns: [workflowVersions.workflowId, workflowVersions.version],
    }),
  ],
)

/** Never updated: a change is a new version. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    workflowId: integer('workflow_id')
      .notNull()
      .references((): AnyPgColumn => workflows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** The parsed document with its defaults and an explicit `start`. */
    document: jsonb('document').$type<Workflow>().notNull(),
    /** JSONB does not keep key order: the order the steps were written in, for export. */
    stepOrder: text('step_order').array().notNull(),
    /** sha256 of the canonical JSON (sorted keys) of `document`. */
    checksum: text('checksum').notNull(),
    importedAt: at('imported_at').notNull().defaultNow(),
    importedBy: text('imported_by').notNull(),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.version] })],
)

export const numberBindings = pgTable(
  'number_bindings',
  {
    /** E.164. */
    number: text('number').primaryKey(),
    workflowId: integer('workflow_id')
      .notNull()
      .references(() => workflows.id),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('number_bindings_workflow_idx').on(t.workflowId)],
)

export const schedules = pgTable('schedules', {
  id: id(),
  name: text('name').notNull().unique(),
  document: jsonb('document').$type<Schedule>().notNull(),
  createdAt: created(),
  updatedAt: updated(),
})

export const TEAM_STRATEGIES = [
  'simultaneous',
  'sequential',
  'round-robin',
  'longest-idle',
  'fewest-calls',
  'least-talk-time',
  'random',
] as const
/** Why an agent is not offered callers until `rest_until`. */
export const REST_REASONS = ['no-answer', 'busy', 'failed', 'wrap-up', 'unreachable'] as const
export const AGENT_STATUSES = ['available', 'away', 'offline'] as const

export const teams = pgTable(
  'teams',
  {
    id: id(),
    name: text('name').notNull().unique(),
    title: text('title'),
    strategy: text('strategy', { enum: TEAM_STRATEGIES }).notNull().default('simultaneous'),
    ringSeconds: integer('ring_seconds').notNull().default(20),
    /** Queued callers hear their position on entering the queue and then every this many seconds (null: never). */
    announcePositionSeconds: integer('announce_position_seconds'),
    /** The announcement, with `{{position}}`; null: the default. */
    positionMessage: text('position_message'),
    /** Said after the position when the wait can be estimated, with `{{wait}}`; null: nothing. */
    waitMessage: text('wait_message'),
    /** The agents' wrap-up after a call, unless an agent has its own; null: none. */
    wrapUpSeconds: integer('wrap_up_seconds'),
    /** Unanswered offers in a row before an agent goes away, unless it has its own; null: never. */
    maxNoAnswer: integer('max_no_answer'),
    /** The team's callback settings (null: the defaults, no limit): calls to the customer at most, pause after one unanswered, open callbacks at most. */
    callbackAttempts: integer('callback_attempts'),
    callbackRetrySeconds: integer('callback_retry_seconds'),
    callbackMaxWaiting: integer('callback_max_waiting'),
    /** The schedule callbacks are served in (null: any time). */
    callbackSchedule: text('callback_schedule'),
    /** Round-robin: the id of the agent the team offered last. */
    rrCursor: integer('rr_cursor').notNull().default(0),
    /** Callers answered lately, fading by half every ten minutes (lib/routing/recent.ts): the estimated wait. */
    handoffs: doublePrecision('handoffs').notNull().default(0),
    handoffsAt: at('handoffs_at'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    check(
      'teams_strategy_check',
      sql`${t.strategy} in ('simultaneous', 'sequential', 'round-robin', 'longest-idle', 'fewest-calls', 'least-talk-time', 'random')`,
    ),
    check('teams_ring_seconds_check', sql`${t.ringSeconds} between 1 and 3600`),
    check('teams_wrap_up_check', sql`${t.wrapUpSeconds} between 0 and 3600`),
    check('teams_max_no_answer_check', sql`${t.maxNoAnswer} between 1 and 100`),
    check('teams_announce_position_check', sql`${t.announcePositionSeconds} between 10 and 3600`),
    check(
      'teams_callback_check',
      sql`${t.callbackAttempts} between 1 and 20 and ${t.callbackRetrySeconds} between 0 and 86400 and ${t.callbackMaxWaiting} >= 1`,
    ),
  ],
)

export const agents = pgTable(
  'agents',
  {
    id: id(),
    name: text('name').notNull().unique(),
    title: text('title'),
    dial: text('dial').notNull(),
    status: text('status', { enum: AGENT_STATUSES }).notNull().default('available'),
    /** Wrap-up after a call, instead of the team's. */
    wrapUpSeconds: integer('wrap_up_seconds'),
    /** Unanswered offers in a row before going away, instead of the team's. */
    maxNoAnswer: integer('max_no_answer'),
    /** The call (FreeSWITCH Unique-ID) offered this agent (ringing or talking), until `lease_until`. */
    reservedBy: text('reserved_by'),
    leaseUntil: at('lease_until'),
    /** The reservation's number (agent_reservations): tells a fresh offer from a stale notice of an old one. */
    reservation: bigint('reservation', { mode: 'number' }),
    lastCallEnd: at('last_call_end'),
    /** Not offered a caller before then, and why (no answer, busy, wrap-up, unreachable …). */
    restUntil: at('rest_until'),
    restReason: text('rest_reason', { enum: REST_REASONS }),
    /** The FreeSWITCH cause behind the rest (USER_NOT_REGISTERED …). */
    restCause: text('rest_cause'),
    /** Offers in a row that went unanswered (maxNoAnswer). */
    noAnswers: integer('no_answers').notNull().default(0),
    /** Calls and talk seconds lately, fading by half every hour (lib/routing/recent.ts), as of `recent_at`. */
    recentCalls: doublePrecision('recent_calls').notNull().default(0),
    recentTalkSeconds: doublePrecision('recent_talk_seconds').notNull().default(0),
    recentAt: at('recent_at'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    check('agents_status_check', sql`${t.status} in ('available', 'away', 'offline')`),
    check(
      'agents_rest_reason_check',
      sql`${t.restReason} in ('no-answer', 'busy', 'failed', 'wrap-up', 'unreachable')`,
    ),
    check('agents_wrap_up_check', sql`${t.wrapUpSeconds} between 0 and 3600`),
    check('agents_max_no_answer_check', sql`${t.maxNoAnswer} between 1 and 100`),
    index('agents_reserved_by_idx')
      .on(t.reservedBy)
      .where(sql`${t.reservedBy} is not null`),
  ],
)

/** Numbers reservations of agents, so that a router can tell a fresh offer from a late notice of an old one. */
export const agentReservations = pgSequence('agent_reservations')

/**
 * The routers serving calls on this database, each alive while it renews `seen_until` (every second): callers
 * queued on a router that stopped are offered nobody, and their places are removed a minute later.
 */
export const routers = pgTable('routers', {
  /** host:pid, or what `serve` was given. */
  id: text('id').primaryKey(),
  startedAt: at('started_at').notNull().defaultNow(),
  seenUntil: at('seen_until').notNull(),
})

/**
 * Callers in line for a team or an agent, on every router: the order agents are offered in (priority, then
 * arrival, across routers) and what `queue list` shows. A row lives from a caller's first ask for an agent to the
 * end of its routing (answered and talked, gone, or given up after a try); it counts while its router is alive.
 */
export const queueEntries = pgTable(
  'queue_entries',
  {
    /** FreeSWITCH's Unique-ID of the caller's channel. */
    callId: text('call_id').primaryKey(),
    /** Exactly one of team and agent: whom the caller waits for. */
    team: text('team'),
    agent: text('agent'),
    /** E.164 when it could be read as one. */
    caller: text('caller').notNull().default(''),
    enqueuedAt: at('enqueued_at')
      .notNull()
      .default(sql`clock_timestamp()`),
    /** The router process holding the call (host:pid). */
    router: text('router').notNull(),
    /** False while the caller is in the queued workflow: it keeps its place but is offered nobody. */
    waiting: boolean('waiting').notNull().default(true),
    /** Higher is offered an agent first; arrival decides within a priority. */
    priority: integer('priority').notNull().default(0),
    /**
     * True while agents are reserved for the caller (ringing or talking): the dispatch passes it over. Kept by the
     * ledger's SQL with every reservation it makes or gives back (migration 0010).
     */
    held: boolean('held').notNull().default(false),
    /**
     * Asked for an agent in queue mode once: a place in the queue, which a try that finds nobody leaves paused
     * (the caller is in the queue's workflow). Otherwise such a try takes the place away (migration 0014).
     */
    queued: boolean('queued').notNull().default(false),
    /**
     * A callback waiting in line (`callbacks`, same id) rather than a live call: it outlives its router, whose
     * place another router adopts (migration 0018) instead of dropping it.
     */
    callback: boolean('callback').notNull().default(false),
  },
  (t) => [
    check('queue_entries_target_check', sql`(${t.team} is null) <> (${t.agent} is null)`),
    // Each line's head in one index probe: the dispatch reads the head of every team with a free agent.
    index('queue_entries_team_line_idx')
      .on(t.team, t.priority.desc(), t.enqueuedAt, t.callId)
      .where(sql`${t.waiting} and not ${t.held} and ${t.team} is not null`),
    index('queue_entries_agent_line_idx')
      .on(t.agent, t.priority.desc(), t.enqueuedAt, t.callId)
      .where(sql`${t.waiting} and not ${t.held} and ${t.agent} is not null`),
  ],
)

export const agentTeams = pgTable(
  'agent_teams',
  {
    agentId: integer('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.teamId] }), index('agent_teams_team_idx').on(t.teamId)],
)

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    /** E.164. */
    number: text('number').notNull().unique(),
    name: text('name'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('contacts_tags_idx').using('gin', t.tags)],
)

/**
 * What a call came to (DESIGN.md), `callback` (the caller took a callback: the call ended, the callback is followed
 * up), `failed`: its router died during it (closed by another router), and `callback_failed`: a callback's attempts
 * were used up without reaching the customer (written by the router serving it).
 */
export const OUTCOMES = [
  'connected',
  'abandoned',
  'missed',
  'voicemail',
  'hangup',
  'callback',
  'failed',
  'callback_failed',
] as const
/**
 * A callback's life: `waiting` in line (also between attempts), `serving` while a router rings the agent and
 * calls the customer, then `served`, `failed` (attempts used up: an inbox row) or `cancelled` by an operator.
 */
export const CALLBACK_STATUSES = ['waiting', 'serving', 'served', 'failed', 'cancelled'] as const

/** One offer of a callback, as its record's events show it (ms epoch). */
export type CallbackAttempt = {
  at: number
  router: string
  outcome: 'served' | 'unreached' | 'unserved' | 'lost'
  agent?: string
  cause?: string
}

/**
 * Callbacks: a caller who asked to be called back instead of waiting on the line. Each keeps the caller's place
 * (arrival and priority) in the line of `queue_entries` under its own id while it waits; any router may hold it,
 * and when its router stops another adopts it (lib/store/callbacks.ts, migration 0018).
 */
export const callbacks = pgTable(
  'callbacks',
  {
    /** Its `queue_entries.call_id` while in line. */
    id: text('id').primaryKey(),
    /** The call that asked for it (its record is written when that call ends: no foreign key). */
    callId: text('call_id').notNull(),
    /** Exactly one of team and agent: whom the customer waits for. */
    team: text('team'),
    agent: text('agent'),
    /** The number called back (E.164). */
    number: text('number').notNull(),
    /** The number the customer called: shown to the customer as the caller ID of the callback. */
    dialed: text('dialed').notNull(),
    caller: text('caller').notNull(),
    fields: jsonb('fields').$type<Record<string, string>>().notNull().default({}),
    priority: integer('priority').notNull().default(0),
    /** The place kept: when the customer joined the line (or asked, when not in line yet). */
    requestedAt: at('requested_at').notNull(),
    status: text('status', { enum: CALLBACK_STATUSES }).notNull().default('waiting'),
    /** Attempts made: the customers called (after an agent answered). */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    retrySeconds: integer('retry_seconds').notNull(),
    /** Not offered an agent before then (the interval after an attempt the customer did not answer). */
    nextAttemptAt: at('next_attempt_at'),
    /** The router holding it (`routers.id`); null once it ended. */
    router: text('router'),
    /** The agent who served it, the last cause when the customer could not be reached. */
    agentServed: text('agent_served'),
    lastCause: text('last_cause'),
    endedAt: at('ended_at'),
    /** Who cancelled it: a console user's name, or `cli:<os user>`. */
    cancelledBy: text('cancelled_by'),
    /**
     * Each offer's end as it happened ({at, router, outcome, agent?, cause?}): the events of the callback's own
     * record (`calls`, same id) written when it is served or fails, whichever routers made the attempts.
     */
    attemptsLog: jsonb('attempts_log').$type<CallbackAttempt[]>().notNull().default([]),
    createdAt: created(),
  },
  (t) => [
    check('callbacks_target_check', sql`(${t.team} is null) <> (${t.agent} is null)`),
    check('callbacks_status_check', sql`${t.status} in ('waiting', 'serving', 'served', 'failed', 'cancelled')`),
    check('callbacks_attempts_check', sql`${t.maxAttempts} between 1 and 20 and ${t.retrySeconds} between 0 and 86400`),
    index('callbacks_open_idx')
      .on(t.team, t.requestedAt)
      .where(sql`${t.status} in ('waiting', 'serving')`),
  ],
)
/** `callback_failed`: a callback whose attempts were used up without reaching the customer. */
export const INBOX_REASONS = [
  'queue_abandoned',
  'workflow_hangup',
  'voicemail',
  'router_lost',
  'callback_failed',
] as const

export const calls = pgTable(
  'calls',
  {
    /** FreeSWITCH's Unique-ID of the caller's channel. */
    id: text('id').primaryKey(),
    caller: text('caller').notNull(),
    callerName: text('caller_name').notNull().default(''),
    dialed: text('dialed').notNull(),
    workflow: text('workflow').notNull(),
    workflowVersion: integer('workflow_version'),
    startedAt: at('started_at').notNull(),
    answeredAt: at('answered_at'),
    endedAt: at('ended_at').notNull(),
    outcome: text('outcome', { enum: OUTCOMES }).notNull(),
    inboxReason: text('inbox_reason', { enum: INBOX_REASONS }),
    team: text('team'),
    agent: text('agent'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    fields: jsonb('fields').$type<Record<string, string>>().notNull().default({}),
    steps: text('steps')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    queueSeconds: doublePrecision('queue_seconds').notNull().default(0),
    talkSeconds: doublePrecision('talk_seconds').notNull().default(0),
    /** When the row was written: later than ended_at for calls replayed from the spool. */
    recordedAt: at('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    check(
      'calls_outcome_check',
      sql`${t.outcome} in ('connected', 'abandoned', 'missed', 'voicemail', 'hangup', 'callback', 'failed', 'callback_failed')`,
    ),
    index('calls_started_at_idx').on(t.startedAt),
    index('calls_caller_idx').on(t.caller, t.startedAt),
  ],
)

/**
 * Calls under way: written when a call starts, deleted with the call's record when it ends. A router that dies
 * leaves its rows behind; once it has not beaten for its lease, another router closes them as `failed` calls with
 * an inbox row (reason `router_lost`), so no call is without a record (lib/store/calls-in-progress.ts).
 */
export const callsInProgress = pgTable(
  'calls_in_progress',
  {
    id: text('id').primaryKey(),
    /** The router handling it (`routers.id`). */
    router: text('router').notNull(),
    caller: text('caller').notNull(),
    callerName: text('caller_name').notNull().default(''),
    dialed: text('dialed').notNull(),
    workflow: text('workflow').notNull(),
    workflowVersion: integer('workflow_version'),
    startedAt: at('started_at').notNull(),
    /** The step the call is in (written in batches a few times a second: the console's board) and since when. */
    step: text('step'),
    /** The workflow of that step (the team's queued workflow while it runs). */
    stepWorkflow: text('step_workflow'),
    stepAt: at('step_at'),
  },
  (t) => [index('calls_in_progress_router_idx').on(t.router)],
)

export const callEvents = pgTable(
  'call_events',
  {
    callId: text('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** Milliseconds since the call started. */
    atMs: integer('at_ms').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.seq] })],
)

export const inbox = pgTable(
  'inbox',
  {
    id: id(),
    callId: text('call_id')
      .notNull()
      .unique()
      .references(() => calls.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: INBOX_REASONS }).notNull(),
    caller: text('caller').notNull(),
    dialed: text('dialed').notNull(),
    team: text('team'),
    fields: jsonb('fields').$type<Record<string, string>>().notNull().default({}),
    waitSeconds: doublePrecision('wait_seconds').notNull().default(0),
    recordingPath: text('recording_path'),
    recordingSeconds: doublePrecision('recording_seconds'),
    /** When the call ended. */
    createdAt: at('created_at').notNull(),
    resolvedAt: at('resolved_at'),
    note: text('note'),
    /** Who resolved it last: a console user's name, or `cli:<os user>`. */
    resolvedBy: text('resolved_by'),
  },
  (t) => [
    check(
      'inbox_reason_check',
      sql`${t.reason} in ('queue_abandoned', 'workflow_hangup', 'voicemail', 'router_lost', 'callback_failed')`,
    ),
    index('inbox_open_idx')
      .on(t.createdAt)
      .where(sql`${t.resolvedAt} is null`),
  ],
)

export const SMS_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const

export const smsOutbox = pgTable(
  'sms_outbox',
  {
    /** Chosen by the router, so a message replayed from the spool is stored once. */
    id: uuid('id').primaryKey(),
    /** No foreign key: the message is queued during the call, its calls row is written at the end. */
    callId: text('call_id').notNull(),
    toNumber: text('to_number').notNull(),
    text: text('text').notNull(),
    status: text('status', { enum: SMS_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: created(),
    sentAt: at('sent_at'),
    error: text('error'),
    /** Pending: not before this time (retry backoff). Sending: the claim's lease, after which another worker may retry. */
    nextAttemptAt: at('next_attempt_at'),
  },
  (t) => [
    check('sms_outbox_status_check', sql`${t.status} in ('pending', 'sending', 'sent', 'failed')`),
    index('sms_outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    index('sms_outbox_call_idx').on(t.callId),
  ],
)

/** Who may use the console, and what: `viewer` reads; `supervisor` also sets agents' status and works the inbox; `admin` everything. */
export const USER_ROLES = ['viewer', 'supervisor', 'admin'] as const

export const users = pgTable(
  'users',
  {
    id: id(),
    name: text('name').notNull().unique(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** argon2id, PHC string (the parameters travel with the hash). */
    passwordHash: text('password_hash').notNull(),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [check('users_role_check', sql`${t.role} in ('viewer', 'supervisor', 'admin')`)],
)

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie's token, hex: a leaked table does not give working cookies. */
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Sent back by the page in `x-csrf-token` on every change. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: created(),
    expiresAt: at('expires_at').notNull(),
    address: text('address'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
)

export const audit = pgTable(
  'audit',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: created(),
    /** The user's name in the console, `cli:<os user>` from the command line. */
    actor: text('actor').notNull(),
    /** What was done: `user.add`, `inbox.resolve`, `agent.status`, `workflow.apply`… */
    action: text('action').notNull(),
    /** What it was done to (a name or an id). */
    target: text('target'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** The client's address for the console, `cli` for the command line. */
    origin: text('origin').notNull(),
  },
  (t) => [index('audit_at_idx').on(t.at)],
)

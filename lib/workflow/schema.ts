/**
 * The one schema of every document kind (workflow, schedule, team, agent, contact).
 * TypeScript types are inferred from it and `ivr-router workflow schema` exports it as JSON Schema.
 * Cross-document rules (references, loops, reachability) live in validate.ts.
 */
import { z } from 'zod'

const NAME = /^[a-z0-9][a-z0-9-]*$/
export const Name = z.string().max(64).regex(NAME, 'must be lowercase letters, digits and "-"')
export const StepName = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "_" or "-"')

/** A value YAML may have typed as a number (`equals: 123456`); always compared as text. */
const Text = z.union([z.string(), z.number().transform(String)])

/** Text that reaches FreeSWITCH or a TTS engine: no control characters, no `${` expansion. */
const SafeText = z
  .string()
  .min(1)
  .max(2000)
  .refine((s) => !s.includes('${') && !s.includes('$${'), 'must not contain "${" (FreeSWITCH expands it)')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), 'must not contain control characters')

/**
 * A sound path or FreeSWITCH sound URI (`tone_stream://%(300,0,440)`, `silence_stream://500,1400`,
 * `local_stream://moh`, `say:…`). It becomes one word of play_and_get_digits' space-separated arguments, so only what
 * could change that command is refused (tests/workflow/sound-path.test.ts proves each): line breaks and other
 * controls, `${` (FreeSWITCH expands it, API calls included), whitespace (splits the arguments), a backslash (escapes
 * the space after it) and single quotes (group words and vanish).
 */
export const SoundPath = z
  .string()
  .min(1)
  .max(512)
  .regex(
    // eslint-disable-next-line no-control-regex
    /^(?!.*\$\{)[^\s\u0000-\u001f\u007f\\']+$/,
    'must be one word without line breaks, "${", "\\" or "\'" (each would change the FreeSWITCH command)',
  )

export const DtmfKey = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'])

export const Prompt = z.union([
  z.strictObject({
    say: SafeText,
    voice: z
      .string()
      .regex(/^[A-Za-z0-9_+-]+$/)
      .max(64)
      .optional(),
  }),
  z.strictObject({ play: SoundPath }),
])

const MATCHER = {
  equals: Text.optional(),
  in: z.array(Text).min(1).optional(),
  prefix: Text.optional(),
  exists: z.boolean().optional(),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(0).optional(),
  /** Compared as numbers: a value that is not a number matches neither. */
  gt: z.number().optional(),
  lt: z.number().optional(),
}
const MATCH_KEYS = Object.keys(MATCHER) as (keyof typeof MATCHER)[]
const hasMatch = (m: Record<string, unknown>) => MATCH_KEYS.some((k) => m[k] !== undefined)
const NEEDS_MATCH = `needs one of ${MATCH_KEYS.join(', ')}`

export const Matcher = z.strictObject(MATCHER).refine(hasMatch, NEEDS_MATCH)
const FieldMatcher = z.strictObject({ name: StepName, ...MATCHER }).refine(hasMatch, NEEDS_MATCH)
/** `NAME.key.key…`: a value in the response of the `http` action named NAME (an index for an array element). */
export const DataPath = z
  .string()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9-]*(\.[A-Za-z0-9_-]+)*$/, "must be NAME.key.key (the http action's name, then keys)")
const DataMatcher = z.strictObject({ path: DataPath, ...MATCHER }).refine(hasMatch, NEEDS_MATCH)
const ContactAttribute = z.strictObject({ attr: z.string().min(1).max(64), ...MATCHER }).refine(hasMatch, NEEDS_MATCH)

export const Condition = z.union([
  z.strictObject({ open: Name }),
  z.strictObject({ closed: Name }),
  z.strictObject({ caller: Matcher }),
  z.strictObject({ dialed: Matcher }),
  z.strictObject({ field: FieldMatcher }),
  z.strictObject({
    contact: z.union([z.strictObject({ tag: z.string().min(1).max(64) }), ContactAttribute]),
  }),
  z.strictObject({ team: Name }),
  z.strictObject({ data: DataMatcher }),
  z.strictObject({
    get all() {
      return z.array(Condition).min(1)
    },
  }),
  z.strictObject({
    get any() {
      return z.array(Condition).min(1)
    },
  }),
  z.strictObject({
    get not() {
      return Condition
    },
  }),
])

const Seconds = (min: number, max: number) => z.number().int().min(min).max(max)
/** play_and_get_digits raises any timeout of 1000 ms or less to 1000 ms, so whole seconds from 1 up. */
const KeyTimeout = Seconds(1, 60)

const Menu = z.strictObject({
  prompt: Prompt,
  options: z.record(z.string(), z.string()).refine((o) => Object.keys(o).length > 0, 'needs at least one option'),
  timeoutSeconds: KeyTimeout.default(5),
  invalid: Prompt.optional(),
  otherwise: StepName.optional(),
})

const Collect = z.strictObject({
  prompt: Prompt,
  field: StepName,
  minDigits: z.number().int().min(1).max(64).default(1),
  maxDigits: z.number().int().min(1).max(64).default(20),
  endKey: z.enum(['#', '*', 'none']).default('#'),
  timeoutSeconds: KeyTimeout.default(5),
  interDigitSeconds: KeyTimeout.default(3),
  pattern: z.string().min(1).max(200).optional(),
  invalid: Prompt.optional(),
  otherwise: StepName.optional(),
})

/** `ENDPOINT:/path`: an endpoint of the router's configuration, never a host (docs/workflows.md). */
export const ENDPOINT_URL = /^([a-z0-9][a-z0-9-]{0,63}):(\/[^\s#?]*)$/
/** At most this long for a request, whatever a workflow says. */
export const MAX_HTTP_SECONDS = 10

const Http = z.strictObject({
  /** The response is `data.NAME` for the rest of the call. */
  name: Name,
  url: z
    .string()
    .max(1000)
    .regex(
      ENDPOINT_URL,
      'must be ENDPOINT:/path, e.g. "crm:/reservations/{{fields.reservationNo}}" (no "?": use query)',
    ),
  method: z.enum(['GET', 'POST']).default('GET'),
  query: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a query parameter name'), Text).optional(),
  /** POST only: sent as JSON, placeholders filled in its text values. */
  body: z.record(z.string(), z.json()).optional(),
  timeoutSeconds: z.number().min(0.5).max(MAX_HTTP_SECONDS).default(3),
  /** Where a failed request goes (timeout, refused, non-2xx, not JSON, too large); else the call goes on. */
  otherwise: StepName.optional(),
})

/** What a caller hears once its callback is taken (`callback.message`'s default). */
export const DEFAULT_CALLBACK_MESSAGE = '차례가 되면 남겨주신 번호로 다시 전화드리겠습니다. 감사합니다.'

/**
 * Callback: the caller leaves the line and is called back at its place in it (docs/routing.md, "Callbacks"). The
 * number is the caller's own or one a `collect` kept in a field; `confirm` reads it back and asks 1 (right) or 2
 * (enter another). A full line, a number that is not one, no team or agent assigned, or no confirmation: `otherwise`,
 * else the next action.
 */
const Callback = z
  .union([
    z.null(),
    z.strictObject({
      message: Prompt.optional(),
      number: z.union([z.literal('caller'), z.strictObject({ field: StepName })]).default('caller'),
      confirm: z.boolean().default(true),
      otherwise: StepName.optional(),
    }),
  ])
  .transform((v) => v ?? { number: 'caller' as const, confirm: true })

const Branch = z.array(z.strictObject({ if: Condition.optional(), goto: StepName })).min(1)

/** A caller's priority in the queue: higher is offered an agent first; first come, first served within one. */
const Priority = z.number().int().min(-100).max(100)

const Hangup = z
  .union([z.null(), z.strictObject({ inbox: z.boolean().default(false), message: Prompt.optional() })])
  .transform((v) => v ?? { inbox: false })

const Tags = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(
    z
      .array(
        z
          .string()
          .min(1)
          .max(64)
          .regex(/^[^\s${}]+$/, 'must be one word'),
      )
      .min(1),
  )

export const Action = z.union([
  z.strictObject({ message: Prompt }),
  z.strictObject({ menu: Menu }),
  z.strictObject({ collect: Collect }),
  z.strictObject({ branch: Branch }),
  z.strictObject({
    assign: z.union([
      z.strictObject({ team: Name, priority: Priority.optional() }),
      z.strictObject({ agent: Name, priority: Priority.optional() }),
    ]),
  }),
  z.strictObject({ unassign: z.enum(['team', 'agent', 'all']) }),
  z.strictObject({
    connect: z
      .union([z.null(), z.strictObject({ timeoutSeconds: Seconds(5, 600).optional(), otherwise: StepName.optional() })])
      .transform((v) => v ?? {}),
  }),
  z.strictObject({
    voicemail: z
      .union([
        z.null(),
        z.strictObject({
          greeting: Prompt.optional(),
          maxSeconds: Seconds(5, 3600).default(120),
          box: z
            .string()
            .regex(/^[A-Za-z0-9_.-]+$/)
            .max(64)
            .optional(),
        }),
      ])
      .transform((v) => v ?? { maxSeconds: 120 }),
  }),
  z.strictObject({ hangup: Hangup }),
  z.strictObject({ sms: z.strictObject({ to: Text.optional(), text: z.string().min(1).max(1000) }) }),
  z.strictObject({ tag: Tags }),
  z.strictObject({ goto: StepName }),
  z.strictObject({ http: Http }),
  z.strictObject({ callback: Callback }),
])

/** The action keys, in the order of Action's union (used to name the action in errors). */
export const ACTION_KINDS = [
  'message',
  'menu',
  'collect',
  'branch',
  'assign',
  'unassign',
  'connect',
  'voicemail',
  'hangup',
  'sms',
  'tag',
  'goto',
  'http',
  'callback',
] as const
export type ActionKind = (typeof ACTION_KINDS)[number]

export const Workflow = z.strictObject({
  kind: z.literal('workflow').optional(),
  name: Name,
  title: z.string().max(200).optional(),
  trigger: z.enum(['incoming', 'queued']).default('incoming'),
  priority: z.number().int().min(-1000).max(1000).default(0),
  enabled: z.boolean().default(true),
  filter: Condition.optional(),
  schedule: Name.optional(),
  repeat: z.number().int().min(1).max(10).default(3),
  waitSeconds: Seconds(0, 3600).optional(),
  team: Name.optional(),
  start: StepName.optional(),
  steps: z
    .record(StepName, z.array(Action).min(1, 'a step needs at least one action'))
    .refine((s) => Object.keys(s).length > 0, 'needs at least one step'),
})

const DAY_SPEC =
  /^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)*$/
const TIME_RANGE = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/
export const Schedule = z.strictObject({
  kind: z.literal('schedule'),
  name: Name,
  title: z.string().max(200).optional(),
  timezone: z.string().min(1).max(64),
  weekly: z.record(
    z.string().regex(DAY_SPEC, 'must be a day or range such as "mon-fri" or "sat,sun"'),
    z.array(z.string().regex(TIME_RANGE, 'must be a range such as "09:00-18:00"')),
  ),
  holidays: z.array(z.iso.date()).default([]),
})

/** How a team picks the agent it offers a caller (docs/routing.md); `simultaneous` rings every free agent at once. */
export const STRATEGIES = [
  'simultaneous',
  'sequential',
  'round-robin',
  'longest-idle',
  'fewest-calls',
  'least-talk-time',
  'random',
] as const
export type Strategy = (typeof STRATEGIES)[number]

/** A team's callback settings when it gives none (and an agent's alone). */
export const CALLBACK_DEFAULTS = { attempts: 3, retrySeconds: 300 } as const

/** After this many unanswered offers in a row an agent is set `away`. */
const MaxNoAnswer = z.number().int().min(1).max(100)
/** An agent is not offered a caller for this long after each call. */
const WrapUp = Seconds(0, 3600)

export const Team = z.strictObject({
  kind: z.literal('team'),
  name: Name,
  title: z.string().max(200).optional(),
  strategy: z.enum(STRATEGIES).default('simultaneous'),
  ringSeconds: Seconds(5, 300).default(20),
  /** The team's agents' wrap-up after each call (an agent's own `wrapUpSeconds` wins). */
  wrapUpSeconds: WrapUp.optional(),
  /** The team's agents go `away` after this many unanswered offers in a row (an agent's own `maxNoAnswer` wins). */
  maxNoAnswer: MaxNoAnswer.optional(),
  /** While queued, the caller hears its place in line on entering the queue and then every this many seconds. */
  announcePositionSeconds: Seconds(10, 3600).optional(),
  /** What it hears; `{{position}}` is the number (default "대기 순번은 {{position}}번입니다."). */
  positionMessage: SafeText.refine((s) => s.includes('{{position}}'), 'must contain {{position}}').optional(),
  /** Said after the position when the wait can be estimated; `{{wait}}` is the estimate in whole minutes. */
  waitMessage: SafeText.refine((s) => s.includes('{{wait}}'), 'must contain {{wait}}').optional(),
  /** Callbacks the team's callers take (the `callback` action); absent: the defaults, no limit. */
  callback: z
    .strictObject({
      /** Calls to the customer at most (each after an agent answered). */
      attempts: z.number().int().min(1).max(20).default(CALLBACK_DEFAULTS.attempts),
      /** After a customer who did not answer, the next attempt no sooner than this. */
      retrySeconds: Seconds(0, 86400).default(CALLBACK_DEFAULTS.retrySeconds),
      /** Callbacks open (waiting or being served) for the team beyond which no more are taken. */
      maxWaiting: z.number().int().min(1).max(100000).optional(),
      /** Callbacks are served only while this schedule is open (the customer is not called back at night). */
      schedule: Name.optional(),
    })
    .optional(),
})

export const DEFAULT_POSITION_MESSAGE = '대기 순번은 {{position}}번입니다.'

/** A FreeSWITCH dial string for one leg: no separators, variables or spaces that would change the bridge. */
export const DialString = z
  .string()
  .min(3)
  .max(256)
  .regex(/^[A-Za-z0-9_.@:/+=-]+$/, 'must be a single FreeSWITCH endpoint such as "user/1001@pbx.example.com"')

export const Agent = z.strictObject({
  kind: z.literal('agent'),
  name: Name,
  title: z.string().max(200).optional(),
  dial: DialString,
  teams: z.array(Name).default([]),
  status: z.enum(['available', 'away', 'offline']).default('available'),
  /** Wrap-up after each call, instead of the team's. */
  wrapUpSeconds: WrapUp.optional(),
  /** Unanswered offers in a row before the agent is set `away`, instead of the team's. */
  maxNoAnswer: MaxNoAnswer.optional(),
})

export const Contact = z.strictObject({
  kind: z.literal('contact'),
  number: Text,
  name: z.string().max(200).optional(),
  tags: z.array(z.string().min(1).max(64)).default([]),
  attributes: z.record(z.string(), Text).default({}),
})

export const DOCUMENT_KINDS = {
  workflow: Workflow,
  schedule: Schedule,
  team: Team,
  agent: Agent,
  contact: Contact,
} as const
export type DocumentKind = keyof typeof DOCUMENT_KINDS

export type Prompt = z.output<typeof Prompt>
export type Matcher = z.output<typeof Matcher>
export type Condition = z.output<typeof Condition>
export type Action = z.output<typeof Action>
export type Workflow = z.output<typeof Workflow>
export type Schedule = z.output<typeof Schedule>
export type Team = z.output<typeof Team>
export type Agent = z.output<typeof Agent>
export type Contact = z.output<typeof Contact>
export type MenuAction = z.output<typeof Menu>
export type CollectAction = z.output<typeof Collect>
export type BranchAction = z.output<typeof Branch>
export type HttpAction = z.output<typeof Http>
export type CallbackAction = z.output<typeof Callback>

/**
 * The FreeSWITCH side of each recorded trace (`fixtures/freeswitch/NAME.*`, FreeSWITCH 1.10.12): the same
 * channel (its recorded Unique-ID, caller and dialled number) and a script that reproduces what the caller and
 * the agents did, so that a router driven by `replayTrace(name)` can be compared with `NAME.sent.raw`.
 */
import type { CallOptions } from './call.js'
import { FakeFreeSwitch, type FakeFreeSwitchOptions } from './fake-freeswitch.js'
import type { FakeCall } from './call.js'
import type { CallScript } from './script.js'

type Scenario = { uuid: string; script?: CallScript; call?: Partial<CallOptions>; switch?: FakeFreeSwitchOptions }

const voicemail6s: CallScript = { voicemail: { speakMs: 6000 } }
const hungUpWhileRecording: CallScript = { voicemail: { speakMs: 6000, end: 'hangup' } }
const callerHangsUpAt1500: CallScript = { hangup: { duringAppNamed: 'playback', afterMs: 1500 } }

/** bridge-json and bridge-plain: error/* targets fail on their own; the loopback and sofia targets need an outcome. */
const bridgeTargets: CallScript = {
  bridges: [
    'no-answer',
    'no-answer',
    'no-answer',
    'unavailable',
    'no-answer',
    'busy',
    'fail',
    'INCOMPATIBLE_DESTINATION',
    'answer',
    'answer',
  ],
  talkMs: 3000,
}

export const TRACES = {
  async_nested: { uuid: '8747e23f-6b80-4b46-8eb1-a6e1762c634c', switch: { mediaSpeed: 20 } },
  'basic-json': { uuid: 'a76e420f-3152-41fd-9af4-dd945061dae0' },
  'basic-plain': { uuid: '14bba599-9619-40de-8b58-b21320f0e7b1' },
  break_moh: { uuid: '386ffd7e-0d18-4229-be0a-58dc0d04292e' },
  'bridge-json': {
    uuid: '2fdeafc1-53d9-4b18-b778-f1d3dc7a6616',
    script: bridgeTargets,
  },
  'bridge-plain': {
    uuid: '115ef9a6-da2f-459d-879e-4e63455e9e9d',
    script: bridgeTargets,
  },
  bridge_hangup: { uuid: '625a0327-5d48-49cc-8181-35f91785742f', script: { hangup: { duringAppNamed: 'bridge' } } },
  bridge_multi: {
    uuid: 'f682983b-4f1a-47c3-bc80-5706b77cbbcb',
    script: { bridges: [['no-answer', 'answer'], ['busy', 'answer'], 'no-answer', 'no-answer'], talkMs: 3000 },
  },
  bridge_busy_then_answer_rr: {
    uuid: '31b966d6-1646-4251-b122-ec924e4ada32',
    script: { bridges: [{ legs: ['busy', 'answer'], ringMs: 10, talkMs: 3000 }] },
  },
  bridge_chain_timeout: {
    uuid: 'b33b1769-29f3-433c-835b-5a1425c99f4a',
    script: { bridges: Array(3).fill({ legs: ['no-answer', 'answer'], ringMs: 10, talkMs: 3000 }) },
  },
  'bridge_nocof-plain': { uuid: 'b17170eb-8176-4e34-87a3-ed93f02e0ef7' },
  'dtmf-json': { uuid: 'be35a9c8-0263-4be9-b68c-fca46c0cb422', script: { keys: [null, '34#', '56#'] } },
  'dtmf-plain': {
    uuid: 'e45742f5-84e5-46c9-8ddb-861f89030d39',
    script: { keys: [null, '34#', '56#'] },
    call: { parkAfterCommand: 3 },
  },
  getvar_api: { uuid: '14a24a61-ae14-4b0a-bcc1-240fdeaf2b0f' },
  'hangup-json': { uuid: '3dfa3c25-b3b0-42d9-9c8c-4082108f9dd9', script: callerHangsUpAt1500 },
  'hangup-plain': { uuid: 'a7e54170-88fd-46a7-8903-ec68ba86a2e5', script: callerHangsUpAt1500 },
  'hangup_after_bridge_true-nolinger': {
    uuid: '227efb83-7b1f-4ece-8bb5-14f5422a5a26',
    script: { bridges: ['answer'], talkMs: 3000 },
  },
  hangup_after_bridge_true: {
    uuid: 'b07b685f-32d8-42a4-b3fb-29d16719b152',
    script: { bridges: ['answer'], talkMs: 3000 },
  },
  'hangup_linger-plain': { uuid: 'c1010f0d-8d57-42a6-9e8b-77488099946e', script: callerHangsUpAt1500 },
  'hangup_linger2s-plain': { uuid: '09d2df18-588a-4244-bc12-d4a0dd6f76d3', script: callerHangsUpAt1500 },
  injection: { uuid: 'f19dc792-8c6a-4aa2-aa7e-4992762b61ba' },
  menu_hash: {
    uuid: '881752c3-dcbe-46ef-a17a-bc690da2f016',
    script: { keys: [{ digits: '#', bargeIn: true, afterMs: 500 }, { digits: '#', bargeIn: true, afterMs: 500 }, '#'] },
  },
  moh_star: {
    uuid: '15be2b3c-ed6e-49d9-adaf-50fd60d25b09',
    script: {
      presses: [
        { duringApp: 2, afterMs: 1500, digit: '*' },
        { duringApp: 4, afterMs: 1500, digit: '*' },
      ],
    },
  },
  pagd_hangup: {
    uuid: '70891c04-ce72-435e-a11d-aa1f5bb249b6',
    script: { hangup: { duringAppNamed: 'play_and_get_digits', afterMs: 2000 } },
  },
  pagd_invalid_then_ok: { uuid: '1c0630ab-db17-4246-8cda-c2e3831964ec', script: { keys: ['9', '1'] } },
  pagd_timeout_all: {
    uuid: 'b9827a00-14ea-4e78-9780-99039961e2b0',
    script: { keys: [null, null] },
    call: { parkAfterCommand: 3 },
  },
  playback_missing: {
    uuid: '4be49943-1c9e-4a3e-82c9-910a40b737f0',
    switch: { missingFiles: ['/var/sounds/no-such-file.wav', 'no-such-prompt.wav'] },
  },
  record_app: { uuid: 'd6be07a4-9c89-40ed-9397-c0d3dd8dc101', script: { record: { speakMs: 4000, end: 'hangup' } } },
  record_silence: { uuid: 'b4bb7fa2-7577-45c5-8fb7-98c22e447b1b', script: { record: { speakMs: 980 } } },
  speak_flite: { uuid: 'd8ed1729-8cbe-4b4c-9ad2-594d6fb0269c' },
  vm_event: { uuid: '7ca41878-b4d6-4093-9ed3-7e42d6a46276', script: voicemail6s },
  'voicemail-json': { uuid: '9f93542a-9aae-4fe3-a29b-f4ed31245617', script: voicemail6s },
  'voicemail-plain': { uuid: 'f002a22e-f459-4ebe-a4f0-857133d3d98f', script: voicemail6s },
  'voicemail_full-plain': { uuid: '2c34ce82-53d7-4b99-93d4-794aabfb9e58', script: voicemail6s },
  'voicemail_hangup-linger-plain': {
    uuid: 'bd2c9608-43d8-4040-bc9b-1748f218dc17',
    script: { voicemail: { speakMs: 5980, end: 'hangup' } },
  },
  'voicemail_hangup-nolinger-LOST-EVENTS': {
    uuid: 'ee28e8f2-120d-4737-a890-e7fe50298054',
    script: hungUpWhileRecording,
    call: { lostEventsAfterHangup: true },
  },
  'voicemail_hangup-nolinger-plain': { uuid: '88be8443-36e9-49c3-8e03-c360db48c3b3', script: hungUpWhileRecording },
  voicemail_nobox: { uuid: '685e2991-2669-4d76-bb1f-56460c5d76ac', switch: { voicemailBoxes: ['1000'] } },
} satisfies Record<string, Scenario>

export type TraceName = keyof typeof TRACES

/**
 * Plays the FreeSWITCH side of the recorded trace `name` against the router at `options.port`: the recorded
 * channel, the recorded caller's behaviour, the trace's DTMF source. `options` and `switchOptions` override.
 */
export function replayTrace(
  name: TraceName,
  options: Partial<CallOptions> & { port: number },
  switchOptions: FakeFreeSwitchOptions = {},
): FakeCall {
  const scenario: Scenario = TRACES[name]
  const fs = new FakeFreeSwitch({ dtmfSource: 'UNKNOWN', seed: 1, ...scenario.switch, ...switchOptions })
  return fs.call({
    channel: {
      uuid: scenario.uuid,
      callerNumber: '01012345678',
      callerName: 'AcceptanceCaller',
      destination: '07012345678',
      context: 'public',
      variables: { ivr_context: 'public' },
    },
    ...(scenario.script && { script: scenario.script }),
    ...scenario.call,
    ...options,
  })
}

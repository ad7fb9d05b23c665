/** English and Korean: the browser's language first, switchable (kept in localStorage); times in the browser's zone. */
const en = {
  title: 'ivr-router console',
  login: 'Log in',
  logout: 'Log out',
  name: 'Name',
  password: 'Password',
  wrongLogin: 'Wrong name or password',
  tooMany: 'Too many attempts: wait a minute',
  board: 'Live board',
  inbox: 'Inbox',
  workflows: 'Workflows',
  queue: 'Queue',
  waiting: 'waiting',
  longest: 'longest wait',
  position: 'Position',
  caller: 'Caller',
  wait: 'Wait',
  priority: 'Priority',
  state: 'State',
  agents: 'Agents',
  status: 'Status',
  teams: 'Teams',
  call: 'Current call',
  rest: 'Resting',
  since: 'since',
  setStatus: 'Set status',
  available: 'available',
  away: 'away',
  offline: 'offline',
  noQueue: 'Nobody waits',
  live: 'live',
  reconnecting: 'reconnecting…',
  open: 'Open',
  resolved: 'Resolved',
  all: 'All',
  team: 'Team',
  reason: 'Reason',
  anyTeam: 'any team',
  anyReason: 'any reason',
  from: 'From',
  to: 'To',
  when: 'When',
  fields: 'Fields',
  path: 'Path',
  note: 'Note',
  resolve: 'Resolve',
  reopen: 'Reopen',
  resolvedBy: 'resolved by',
  empty: 'Nothing here',
  enabled: 'Enabled',
  disabled: 'disabled',
  numbers: 'Numbers',
  version: 'Version',
  versions: 'Versions',
  trigger: 'Trigger',
  apply: 'Apply',
  applyTitle: 'Apply documents (YAML)',
  applied: 'Applied',
  notApplied: 'Not applied',
  back: 'Back',
  language: '한국어',
  queue_abandoned: 'left the queue',
  workflow_hangup: 'hung up in the IVR',
  voicemail: 'voicemail',
  ringing: 'ringing',
  workflow: 'in workflow',
  bind: 'Bind',
  unbind: 'Unbind',
  number: 'Number',
  workflowName: 'Workflow',
  bound: 'Bound',
  recording: 'Recording',
  diff: 'Diff with current',
  rollback: 'Roll back to this',
  enable: 'Enable',
  disable: 'Disable',
  applyRecipe: 'Apply recipe',
}
type Key = keyof typeof en

const ko: Record<Key, string> = {
  title: 'ivr-router 콘솔',
  login: '로그인',
  logout: '로그아웃',
  name: '이름',
  password: '비밀번호',
  wrongLogin: '이름 또는 비밀번호가 틀렸습니다',
  tooMany: '시도가 너무 많습니다. 1분 후에 다시 하세요',
  board: '실시간 현황',
  inbox: '수신함',
  workflows: '워크플로',
  queue: '대기열',
  waiting: '명 대기',
  longest: '최장 대기',
  position: '순번',
  caller: '발신자',
  wait: '대기',
  priority: '우선순위',
  state: '상태',
  agents: '상담원',
  status: '상태',
  teams: '팀',
  call: '현재 통화',
  rest: '휴식',
  since: '부터',
  setStatus: '상태 변경',
  available: '대기 중',
  away: '자리 비움',
  offline: '오프라인',
  noQueue: '대기 고객 없음',
  live: '실시간',
  reconnecting: '다시 연결 중…',
  open: '미처리',
  resolved: '처리 완료',
  all: '전체',
  team: '팀',
  reason: '사유',
  anyTeam: '모든 팀',
  anyReason: '모든 사유',
  from: '시작',
  to: '끝',
  when: '시각',
  fields: '입력 항목',
  path: '경로',
  note: '메모',
  resolve: '처리 완료',
  reopen: '다시 열기',
  resolvedBy: '처리자',
  empty: '항목이 없습니다',
  enabled: '사용',
  disabled: '사용 안 함',
  numbers: '번호',
  version: '버전',
  versions: '버전 목록',
  trigger: '종류',
  apply: '적용',
  applyTitle: '문서 적용 (YAML)',
  applied: '적용됨',
  notApplied: '적용되지 않음',
  back: '뒤로',
  language: 'English',
  queue_abandoned: '대기 중 끊음',
  workflow_hangup: 'IVR 중 끊음',
  voicemail: '음성 메시지',
  ringing: '연결 중',
  workflow: '워크플로 진행 중',
  bind: '연결',
  unbind: '연결 해제',
  number: '전화번호',
  workflowName: '워크플로',
  bound: '연결됨',
  recording: '녹음',
  diff: '현재 버전과 비교',
  rollback: '이 버전으로 되돌리기',
  enable: '사용',
  disable: '사용 중지',
  applyRecipe: '레시피 적용',
}

export type Lang = 'en' | 'ko'
const stored = localStorage.getItem('lang')
export let lang: Lang = stored === 'ko' || stored === 'en' ? stored : navigator.language.startsWith('ko') ? 'ko' : 'en'

export function setLang(next: Lang): void {
  lang = next
  localStorage.setItem('lang', next)
  document.documentElement.lang = next
}
document.documentElement.lang = lang

export function t(key: Key): string {
  return (lang === 'ko' ? ko : en)[key]
}

/** A word the API sends (status, reason, state), translated when we know it. */
export function word(value: string): string {
  return value in en ? t(value as Key) : value
}

export function time(iso: string | null): string {
  if (!iso) return '-'
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' }).format(
    new Date(iso),
  )
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${s}s`
}

/**
 * `check`: a battery of deliveries that grades a developer's webhook endpoint (what it must accept, refuse, apply
 * once, and never redirect), reported through one typed union and never printed here.
 */
export { BATTERY, CHECK_NAMES, LARGE_PAYLOAD_BYTES, LARGER_PAYLOAD_BYTES, UNKNOWN_EVENT_TYPE } from './battery.js';
export { selectChecks, type CheckSelection } from './select.js';
export { gradeAttempt, gradeCheck, gradeStall, gradeApplied, describeAttempt, findCommonFailure, hasCommonAnswer, SLOW_ANSWER_MS, type RequestGrade } from './grade.js';
export { runChecks, DEFAULT_CHECK_TIMEOUT_MS, STALL_MS, type RunChecksOptions, type EffectsCounter } from './run-checks.js';
export type { Check, CheckContext, CheckGroup, CheckNeed, CheckReport, CheckRequest, CheckResponse, CheckResult, CheckSkip, CheckSummary, CommonFailure } from './types.js';
export { check, type CheckOptions, type CheckCard } from './check.js';

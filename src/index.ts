/**
 * scandocs-webhooks as a library: every command is a function taking typed options (durations in ms, statuses as
 * numbers, patterns as globs) and returning, or reporting, what the CLI renders.
 */
export * from './signature/index.js';
export { InputError, type InputErrorCode, type InputErrorDetails } from './errors.js';
export { formatDuration } from './util/duration.js';
export {
  fixtures,
  buildEvent,
  listFixtures,
  applyOverrides,
  newEventId,
  freshEvent,
  buildLifecycle,
  listScenarios,
  buildScenario,
  parseScenarioFile,
  type ScenarioDefinition,
  type ScenarioStepSpec,
  type ScenarioEvent,
  type ScenarioInfo,
  EVENT_TYPES,
  TASK_OPERATIONS,
  LIFECYCLE_OPERATIONS,
  type EventType,
  type TaskOperation,
  type FreshEventOptions,
  type LifecycleOptions,
  type LifecycleStep,
  type ScanDocumentsEvent,
  type FixtureInfo,
  type BuildEventOptions,
} from './events/index.js';
// The union as data: importing these loads zod (tens of milliseconds), which only the library pays, not the CLI.
export { parseEvent, isScanDocumentsEvent, checkShape, eventJsonSchema } from './events/shape.js';
export type {
  KnownScanDocumentsEvent,
  FileCreatedEvent,
  FileDeletedEvent,
  TaskCreatedEvent,
  TaskCompletedEvent,
  TaskFailedEvent,
  TaskDeletedEvent,
  GeneratedFile,
  ShapeVerdict,
  ParsedEvent,
} from './events/known-events.js';

// listen
export { listen, isTunnelReport, DEFAULT_HISTORY_LIMIT, type ListenOptions, type RunningListener, type ListenEvent } from './listener/running-listener.js';
export type { ListenReport, ReadyReport, DeliveryReport, RejectedReport, ProbeReport, ErrorReport, ListenSummary, BodyProblem } from './listener/reports.js';
export type { RespondOptions, RespondRuleOptions, PolicyReason } from './listener/respond-policy.js';
export type { ForwardTarget } from './listener/route.js';
export type { ForwardResult } from './listener/forward.js';
export type { WaitOptions, ReportStream } from './util/report-stream.js';
export type { TunnelConfig, TunnelReport, NgrokConfig, CloudflaredConfig, TunnelProviderName } from './tunnel/index.js';

// trigger and replay
export { trigger, type TriggerOptions } from './delivery/trigger.js';
export { replay, type ReplayOptions, type ReplayFilter, type ReplayResult } from './delivery/replay.js';
export type { SendOptions, SendReport, SendStartReport, SendResult, DeliveryResult, AttemptOutcome } from './delivery/send.js';
export type { DeliveryReport as AttemptReport, MessageRef } from './delivery/deliver.js';
export type { AttemptResult, AttemptErrorCause, AttemptRequest } from './delivery/attempt.js';
export type { BatchSummary } from './delivery/batch.js';
export { productionSchedule, customSchedule, FAST_SCHEDULE, NO_RETRIES, PRODUCTION_DELAYS_MS, type Schedule, type ScheduleOptions } from './delivery/schedule.js';

// the journal
export { loadJournal, readJournal, parseJournal, type JournalRecord, type JournalContents } from './journal/index.js';

// check
export { check, BATTERY, CHECK_NAMES, type CheckOptions, type CheckCard } from './check/index.js';
export type { CheckReport, CheckResult, CheckResponse, CheckSummary, CheckGroup, CheckSelection } from './check/index.js';

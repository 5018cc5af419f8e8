/**
 * scandocs-webhooks as a library: sign and verify Scan Documents (Svix / Standard Webhooks) deliveries in your
 * own tests, and build realistic events from the same fixtures the CLI sends.
 */
export * from './signature/index.js';
export { InputError, type InputErrorCode } from './errors.js';
export { parseDuration, formatDuration } from './util/duration.js';
export {
  fixtures,
  buildEvent,
  listFixtures,
  applyOverrides,
  newEventId,
  EVENT_TYPES,
  type EventType,
  type ScanDocumentsEvent,
  type FixtureInfo,
  type BuildEventOptions,
} from './events/index.js';

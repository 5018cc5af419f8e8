import { copyFixture } from './catalog.js';
import { newEventId } from './event-id.js';
import { applyOverridesInPlace, type Overrides } from './overrides.js';
import type { ScanDocumentsEvent } from './types.js';

export interface BuildEventOptions {
  /** A named variant of the type's data (see listFixtures); the type's default otherwise. */
  variant?: string;
  /**
   * Changes to fields the sample has, `{ 'data.name': 'report.pdf' }` or `['data.name=report.pdf']`, applied after
   * the id and timestamp so they can replace those too. A path the sample lacks is an error (see setNew).
   */
  set?: Overrides;
  /** Like `set`, but the path may be new (applied before `set`). */
  setNew?: Overrides;
  /** The event's timestamp (default: now). */
  now?: Date;
  /** The event id (default: a fresh `event_…`). */
  id?: string;
}

/** A realistic event of `type`: a copy of its fixture with a fresh id, the current time, and the overrides. */
export function buildEvent(type: string, options: BuildEventOptions = {}): ScanDocumentsEvent {
  return composeEvent(type, options, options.id ?? newEventId(), (options.now ?? new Date()).toISOString());
}

/**
 * The fixture of `type` with this id and timestamp, then the changes: what buildEvent() builds, and what
 * eventTextBuilder() serializes once with placeholders for the id and timestamp.
 */
export function composeEvent(type: string, options: Pick<BuildEventOptions, 'variant' | 'set' | 'setNew'>, id: string, timestamp: string): ScanDocumentsEvent {
  const event = copyFixture(type, options.variant);
  event.id = id;
  event.timestamp = timestamp;
  // copyFixture() parsed a fresh copy, so the changes go straight onto it (none given: nothing to do).
  return applyOverridesInPlace(event, options.set ?? [], options.setNew ?? []);
}

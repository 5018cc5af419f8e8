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
  const event = copyFixture(type, options.variant);
  event.id = options.id ?? newEventId();
  event.timestamp = (options.now ?? new Date()).toISOString();
  const overrides = Object.keys(options.set ?? {}).length + Object.keys(options.setNew ?? {}).length;
  // copyFixture() parsed a fresh copy, so the changes go straight onto it.
  return overrides > 0 ? applyOverridesInPlace(event, options.set ?? [], options.setNew ?? []) : event;
}

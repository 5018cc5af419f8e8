import { copyFixture } from './catalog.js';
import { newEventId } from './event-id.js';
import { applyOverrides } from './overrides.js';
import type { ScanDocumentsEvent } from './types.js';

export interface BuildEventOptions {
  /** A named variant of the type's data (see listFixtures); the type's default otherwise. */
  variant?: string;
  /** `path=value` overrides, applied after the id and timestamp so they can replace those too. */
  set?: string[];
  /** `path=value` additions: like `set`, but the path may be new (applied before `set`). */
  setNew?: string[];
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
  const overrides = (options.set?.length ?? 0) + (options.setNew?.length ?? 0);
  return overrides > 0 ? applyOverrides(event, options.set ?? [], options.setNew ?? []) : event;
}

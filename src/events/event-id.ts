import { randomString } from '../util/random-pool.js';

/** A fresh event id shaped like Scan Documents' own: `event_` + 16 lowercase alphanumerics. */
export function newEventId(): string {
  return `event_${randomString('abcdefghijklmnopqrstuvwxyz0123456789', 16)}`;
}

import { randomString } from '../util/random-pool.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh event id shaped like Scan Documents' own: `event_` + 16 lowercase alphanumerics. */
export function newEventId(): string {
  return `event_${randomString(ID_ALPHABET, 16)}`;
}

/** A fresh file or task id, shaped like the vendor's (`file_…`, `task_…`, 16 lowercase alphanumerics). */
export function newResourceId(prefix: 'file' | 'task'): string {
  return `${prefix}_${randomString(ID_ALPHABET, 16)}`;
}

/** A file or task id as Scan Documents makes them: what a fresh event or lifecycle replaces. */
export const RESOURCE_ID_PATTERN = /^(file|task)_[a-z0-9]{16}$/;

import { randomBytes } from 'node:crypto';
import type { ScanDocumentsEvent } from '../events/index.js';
import { buildLifecycle, freshEvent } from '../events/lifecycle.js';
import { sign } from '../signature/index.js';
import type { CheckContext, CheckRequest } from './types.js';

/**
 * How the battery builds what it sends: events with fresh ids (so one check's deliveries never set up another's
 * state), signed exactly as Svix signs them. Internal to the battery.
 */

/** An event of `type` with a fresh event id and fresh task and file ids (a task never seen by the endpoint). */
export function freshCheckEvent(type: string, variant?: string): ScanDocumentsEvent {
  return freshEvent(type, variant ? { variant } : {});
}

/**
 * A fresh task's life, as Scan Documents emits it: its task.created and how it ended (task.completed, or task.failed
 * when `failed`), with the same task id, the creation first in time.
 */
export function taskLifecycle(options: { operation?: string; failed?: boolean } = {}): { created: ScanDocumentsEvent; ended: ScanDocumentsEvent } {
  const operation = options.operation ?? String(freshEvent('task.completed').data.operation);
  const steps = buildLifecycle(operation, { failed: options.failed ?? false });
  const created = steps.find((step) => step.step === 'task.created')!.event;
  const ended = steps.find((step) => step.step === (options.failed ? 'task.failed' : 'task.completed'))!.event;
  return { created, ended };
}

/** The event that comes first in the life of `event`'s resource: task.created for a task, file.created for a file. */
export function creationOf(event: ScanDocumentsEvent): ScanDocumentsEvent {
  const resource = event.type.split('.')[0]!;
  const created = freshCheckEvent(`${resource}.created`);
  const data = resource === 'task' ? { ...created.data, id: event.data.id, operation: event.data.operation ?? created.data.operation } : { ...created.data, id: event.data.id };
  return { ...created, timestamp: new Date(Date.parse(event.timestamp) - 5_000).toISOString(), data };
}

export interface SignedOptions {
  id?: string;
  timestamp?: number;
  hint?: string;
  /** Sign with this secret instead of the context's. */
  secret?: string;
  expect?: CheckRequest['expect'];
  refusalIsWarning?: boolean;
}

export function signed(context: CheckContext, label: string, event: ScanDocumentsEvent, options: SignedOptions = {}): CheckRequest {
  return { ...signedBody(context, label, JSON.stringify(event), options), eventId: event.id };
}

/** Signs `body` exactly as Svix does (same svix-* headers, compact JSON) with the context's secret and clock. */
export function signedBody(context: CheckContext, label: string, body: string, options: SignedOptions = {}): CheckRequest {
  const { headers } = sign({ payload: body, secret: options.secret ?? context.secret, id: options.id, timestamp: options.timestamp ?? context.now });
  return {
    label,
    body,
    headers: { 'content-type': 'application/json', ...headers },
    ...(options.hint ? { hint: options.hint } : {}),
    ...(options.expect ? { expect: options.expect } : {}),
    ...(options.refusalIsWarning ? { refusalIsWarning: true } : {}),
  };
}

/** A valid secret that is not the endpoint's: signatures made with it must be refused. */
export function otherSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** A task.completed (extract-text) event whose extracted text brings the body to exactly `bytes`. */
export function largeTaskCompleted(bytes: number): { created: ScanDocumentsEvent; event: ScanDocumentsEvent; body: string } {
  const { created, ended: event } = taskLifecycle({ operation: 'extract-text' });
  const withText = (content: string) => JSON.stringify({ ...event, data: { ...event.data, result: { content, format: 'plain' } } });
  const room = bytes - Buffer.byteLength(withText(''));
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. ';
  return { created, event, body: withText(line.repeat(Math.ceil(room / line.length)).slice(0, room)) };
}

/** A file name with 2-, 3- and 4-byte UTF-8 characters, written raw (not as \u escapes), as a real upload has. */
export const UTF8_FILE_NAME = 'Résumé – Zürich 東京 📄.pdf';

/** A file.created event for an upload named UTF8_FILE_NAME: its body holds raw multi-byte UTF-8. */
export function utf8FileCreated(): ScanDocumentsEvent {
  const event = freshCheckEvent('file.created', 'pdf');
  return { ...event, data: { ...event.data, name: UTF8_FILE_NAME } };
}

/** Byte offsets that cut `body` in the middle of its first 3-byte and its first 4-byte character. */
export function midCharacterOffsets(body: string): number[] {
  const bytes = Buffer.from(body);
  const offsets: number[] = [];
  for (const lead of [0xe0, 0xf0]) {
    const at = bytes.findIndex((byte) => (byte & (lead === 0xe0 ? 0xf0 : 0xf8)) === lead);
    if (at >= 0) offsets.push(at + 1);
  }
  return offsets.sort((a, b) => a - b);
}

import { chalkStderr } from 'chalk';
import type { ShapeVerdict } from '../../events/known-events.js';
import { escapeControl } from './text.js';

/**
 * The one line trigger and events print when a hand-made event (--set, --set-new, --data) is not in the known
 * shape: sending such events on purpose is a legitimate test, so it is a warning, and the event still goes out.
 */
export function shapeWarning(verdict: Extract<ShapeVerdict, { ok: false }>, eventType: string | undefined, done: 'printed' | 'sent'): string {
  const type = eventType === undefined ? '' : `${escapeControl(eventType)}: `;
  return `warning: ${type}${escapeControl(verdict.message)}: Scan Documents does not send this event (${done} all the same)`;
}

/** Writes a warning line on stderr, yellow on a terminal (NO_COLOR honoured). */
export function warnLine(text: string): void {
  const color = process.env.NO_COLOR ? (value: string) => value : chalkStderr.yellow;
  process.stderr.write(`${color(text)}\n`);
}

import { composeEvent, type BuildEventOptions } from './build.js';
import { newEventId } from './event-id.js';
import { randomString } from '../util/random-pool.js';

/** One event as the bytes to send, with the id and type a report names it by. */
export interface EventText {
  text: string;
  id: string;
  type: string;
}

/**
 * Builds many events of one type as JSON text, each with a fresh id and timestamp: the text is byte for byte
 * `JSON.stringify(buildEvent(type, options))`. The fixture, with the changes applied, is serialized once and
 * each event splices its id and timestamp into that text, because `trigger --count 50000` builds an event per
 * delivery and parsing and re-serializing the fixture every time cost it ~15 µs per event (bench/trigger.js).
 * Bad options throw here, as buildEvent() would, before any event is built.
 */
export function eventTextBuilder(type: string, options: Pick<BuildEventOptions, 'variant' | 'set' | 'setNew'> = {}): (id?: string, now?: Date) => EventText {
  // Placeholders no fixture or change can contain; a change that replaces the id or timestamp removes its slot.
  const mark = randomString('abcdefghijklmnopqrstuvwxyz', 16);
  const idSlot = `@id:${mark}`;
  const timestampSlot = `@timestamp:${mark}`;
  const sample = composeEvent(type, options, idSlot, timestampSlot);
  // Alternating literal text and slot names: [text, 'id', text, 'timestamp', text].
  const pieces = JSON.stringify(sample).split(new RegExp(`"@(id|timestamp):${mark}"`));
  const fixedId = sample.id === idSlot ? undefined : sample.id;
  const eventType = sample.type;

  // toISOString() costs more than the rest of an event: thousands a second share a few hundred milliseconds.
  let isoMs = NaN;
  let iso = '';
  return (id = newEventId(), now = new Date()) => {
    if (now.getTime() !== isoMs) [isoMs, iso] = [now.getTime(), now.toISOString()];
    const values = { id: JSON.stringify(id), timestamp: `"${iso}"` };
    let text = pieces[0]!;
    for (let i = 1; i < pieces.length; i += 2) text += values[pieces[i] as 'id' | 'timestamp'] + pieces[i + 1]!;
    return { text, id: fixedId ?? id, type: eventType };
  };
}

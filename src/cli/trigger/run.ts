import { InputError } from '../../errors.js';
import { buildEvent, EVENT_TYPES } from '../../events/index.js';
import type { OutgoingMessage } from '../../delivery/deliver.js';
import { newMessageId } from '../../signature/index.js';
import type { TriggerCommandOptions } from './flags.js';
import { parseCount, resolveDeliverySettings, runDeliveries } from '../delivery/run.js';
import { readPayload } from '../shared/inputs.js';
import { createUi } from '../shared/ui.js';

/** A bound on --count, so a typo cannot queue millions of deliveries. */
const MAX_COUNT = 100_000;

export async function runTrigger(types: string[], options: TriggerCommandOptions): Promise<number> {
  const ui = createUi(options);
  const settings = resolveDeliverySettings(options);
  const count = parseCount(options.count, '--count', MAX_COUNT);
  const { messages, total } = options.data === undefined ? catalogMessages(types, options, count) : await customMessages(types, options, count);
  const { arrangeBatch } = await import('../../delivery/batch.js');
  const batch = arrangeBatch(messages, { duplicate: options.duplicate, shuffle: options.shuffle });
  const sends = options.duplicate ? total * 2 : total;
  const what = `sending ${sends} ${sends === 1 ? 'event' : 'events'}${options.duplicate ? ' (each twice, same svix-id)' : ''}${options.shuffle ? ', shuffled' : ''}`;
  return runDeliveries(batch, settings, ui, what);
}

interface PlannedMessages {
  messages: Iterable<OutgoingMessage>;
  total: number;
}

/** `count` rounds of every requested type, each event fresh from the catalog (new event id, now). */
function catalogMessages(types: string[], options: TriggerCommandOptions, count: number): PlannedMessages {
  if (options.all && types.length > 0) throw new InputError('usage', `pass event types or --all, not both (got --all and ${types.join(' ')})`);
  const selected = options.all ? [...EVENT_TYPES] : types;
  if (selected.length === 0) {
    throw new InputError('usage', `name at least one event type (${EVENT_TYPES.join(', ')}), or --all, or --data @event.json`);
  }
  const build = (type: string): OutgoingMessage => {
    const event = buildEvent(type, { variant: options.variant, set: options.set });
    return { messageId: newMessageId(), body: Buffer.from(JSON.stringify(event)), eventId: event.id, eventType: event.type };
  };
  // The first round is built now, so an unknown type or variant or a bad --set fails before anything is sent;
  // the other rounds are built as the deliveries go out.
  const first = selected.map(build);
  function* rounds(): Generator<OutgoingMessage> {
    yield* first;
    for (let round = 1; round < count; round++) for (const type of selected) yield build(type);
  }
  return { messages: rounds(), total: count * selected.length };
}

/** `--data`: the given bytes, unchanged, `count` times under fresh svix-ids. */
async function customMessages(types: string[], options: TriggerCommandOptions, count: number): Promise<PlannedMessages> {
  if (types.length > 0 || options.all || options.variant !== undefined || options.set !== undefined) {
    throw new InputError('usage', '--data sends its own body as is: drop the event types, --all, --variant and --set (edit the file instead)');
  }
  const body = await readPayload(options.data!, '--data');
  const parsed = options.raw ? undefined : parseJsonBody(body, options.data!);
  const eventId = typeof parsed?.id === 'string' ? parsed.id : undefined;
  const eventType = typeof parsed?.type === 'string' ? parsed.type : undefined;
  const messages = Array.from({ length: count }, () => ({ messageId: newMessageId(), body, eventId, eventType }));
  return { messages, total: count };
}

/** Scan Documents always sends JSON: a body that does not parse is almost always a broken edit, so say where. */
function parseJsonBody(body: Buffer, spec: string): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    const reason = (error as Error).message;
    const position = /at position (\d+)/.exec(reason);
    const where = position ? ` at line ${lineColumn(text, Number(position[1]))}` : '';
    const source = spec === '-' ? 'standard input' : spec.startsWith('@') ? spec.slice(1) : 'the --data text';
    throw new InputError('invalid-payload', `--data: ${source} is not valid JSON${where} (${reason}): fix it, or add --raw to send it anyway`);
  }
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `${before.length}, column ${before.at(-1)!.length + 1}`;
}

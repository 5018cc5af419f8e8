import { InputError } from '../errors.js';
import { EVENT_TYPES, type BuildEventOptions } from '../events/index.js';
import { eventTextBuilder } from '../events/event-text.js';
import { builtInScenario, type ScenarioDefinition } from '../events/scenario.js';
import { scenarioTextBuilder, type ScenarioText } from '../events/scenario-text.js';
import { newMessageId } from '../signature/index.js';
import { describeJsonError } from '../util/json-error-offset.js';
import { arrangeBatch } from './batch.js';
import type { OutgoingMessage } from './deliver.js';
import { resolveSend, sendMessages, type SendOptions, type SendResult } from './send.js';

export interface TriggerOptions extends SendOptions {
  /** Event types to send, or 'all' for one of every type. */
  types?: readonly string[] | 'all';
  /** Which sample of each type (see fixtures.list()). */
  variant?: string;
  /** Changes to fields each event has, as buildEvent() applies them. */
  set?: BuildEventOptions['set'];
  /** Fields to add to each event. */
  setNew?: BuildEventOptions['setNew'];
  /** A body to send byte for byte instead of sample events (its `id` and `type` are read when it is JSON). */
  data?: string | Uint8Array;
  /** With `data`: send it even when it is not JSON. */
  raw?: boolean;
  /**
   * A task's whole life instead of types: a built-in scenario's name (`convert`, `convert-failed`, …; see
   * listScenarios()) or a flow (parseScenarioFile()). Each round sends all its events, with fresh ids.
   */
  scenario?: string | ScenarioDefinition;
  /** Rounds: every type (or the scenario) is sent this many times, each with fresh ids (default 1). */
  count?: number;
  /** Send every message twice under the same svix-id, as an at-least-once sender may. */
  duplicate?: boolean;
  /** Send the batch out of order. */
  shuffle?: boolean;
}

/**
 * Sends signed Scan Documents events to `url`, retried as production retries them, and resolves with each
 * message's result. Bad options are InputErrors, thrown before anything is sent.
 */
export async function trigger(options: TriggerOptions): Promise<SendResult> {
  const settings = resolveSend(options);
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new InputError('usage', `count must be a whole number ≥ 1 (got ${count})`);
  const { messages, total } =
    options.scenario !== undefined ? scenarioMessages(options, options.scenario, count) : options.data === undefined ? catalogMessages(options, count) : customMessages(options, options.data, count);
  const batch = arrangeBatch(messages, { duplicate: options.duplicate, shuffle: options.shuffle });
  return sendMessages(batch, settings, { onReport: options.onReport, signal: options.signal, total: options.duplicate ? total * 2 : total });
}

interface PlannedMessages {
  messages: Iterable<OutgoingMessage>;
  total: number;
}

/** `count` rounds of every requested type, each event fresh from the catalog (new event id, now). */
function catalogMessages(options: TriggerOptions, count: number): PlannedMessages {
  const selected = options.types === 'all' ? [...EVENT_TYPES] : [...(options.types ?? [])];
  if (selected.length === 0) {
    throw new InputError('usage', `name at least one event type (${EVENT_TYPES.join(', ')}), or 'all', or give data to send`, { kind: 'no-types' });
  }
  // A builder per type, made now, so an unknown type or variant or a bad change fails before anything is sent;
  // the events themselves are built as the deliveries go out.
  const builders = new Map(selected.map((type) => [type, eventTextBuilder(type, { variant: options.variant, set: options.set, setNew: options.setNew })]));
  const build = (type: string): OutgoingMessage => {
    const event = builders.get(type)!();
    return { messageId: newMessageId(), body: Buffer.from(event.text), eventId: event.id, eventType: event.type };
  };
  const first = selected.map(build);
  function* rounds(): Generator<OutgoingMessage> {
    yield* first;
    for (let round = 1; round < count; round++) for (const type of selected) yield build(type);
  }
  return { messages: rounds(), total: count * selected.length };
}

/** `count` rounds of a scenario's events, each round built afresh (new ids, now), as the deliveries go out. */
function scenarioMessages(options: TriggerOptions, scenario: string | ScenarioDefinition, count: number): PlannedMessages {
  if (options.types !== undefined || options.data !== undefined || options.variant !== undefined || options.set !== undefined || options.setNew !== undefined) {
    throw new InputError('usage', 'a scenario builds its own events: drop types, data, variant, set and setNew (a flow file can change fields)', { kind: 'scenario-with-types' });
  }
  // Built now, so a bad scenario fails before anything is sent.
  const build = scenarioTextBuilder(typeof scenario === 'string' ? builtInScenario(scenario) : scenario);
  const toMessage = ({ scenario: name, step, text, id, type }: ScenarioText): OutgoingMessage => ({
    messageId: newMessageId(),
    body: Buffer.from(text),
    eventId: id,
    eventType: type,
    scenario: name,
    step,
  });
  const first = build().map(toMessage);
  function* rounds(): Generator<OutgoingMessage> {
    yield* first;
    for (let round = 1; round < count; round++) yield* build().map(toMessage);
  }
  return { messages: rounds(), total: count * first.length };
}

/** `data`: the given bytes, unchanged, `count` times under fresh svix-ids. */
function customMessages(options: TriggerOptions, data: string | Uint8Array, count: number): PlannedMessages {
  if (options.types !== undefined || options.variant !== undefined || options.set !== undefined || options.setNew !== undefined) {
    throw new InputError('usage', 'data is sent as is: drop types, variant, set and setNew (edit the data instead)', { kind: 'data-with-types' });
  }
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const parsed = options.raw ? undefined : parseJsonBody(body);
  const eventId = typeof parsed?.id === 'string' ? parsed.id : undefined;
  const eventType = typeof parsed?.type === 'string' ? parsed.type : undefined;
  const messages = Array.from({ length: count }, () => ({ messageId: newMessageId(), body, eventId, eventType }));
  return { messages, total: count };
}

/** Scan Documents always sends JSON: a body that does not parse is almost always a broken edit, so say where. */
function parseJsonBody(body: Uint8Array): Record<string, unknown> | undefined {
  const text = Buffer.from(body).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    const { reason, where } = describeJsonError(text, error);
    throw new InputError('invalid-payload', `the data is not valid JSON${where} (${reason}): fix it, or pass raw: true to send it anyway`, { kind: 'invalid-json', where, reason });
  }
}

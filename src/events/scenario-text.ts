import { randomString } from '../util/random-pool.js';
import { builtInScenario, scenarioBuilder, type ScenarioDefinition, type ScenarioEvent } from './scenario.js';
import type { ScanDocumentsEvent } from './types.js';

/** One event of a scenario as the bytes to send, with what reports name it by. */
export interface ScenarioText {
  scenario: string;
  step: string;
  text: string;
  id: string;
  type: string;
}

const builtIns = new Map<string, (now?: Date) => ScenarioText[]>();

/**
 * The events of a scenario (a built-in's name or a definition), ready to send or to hand to a handler under test:
 * fresh ids on every call, times in step order with the last at `now`, references resolved. Problems in a
 * definition are InputErrors naming the step. A built-in's events come from the same text trigger sends.
 */
export function buildScenario(scenario: string | ScenarioDefinition, options: { now?: Date } = {}): ScenarioEvent[] {
  if (typeof scenario !== 'string') return scenarioBuilder(scenario)(options.now);
  let build = builtIns.get(scenario);
  if (!build) builtIns.set(scenario, (build = scenarioTextBuilder(builtInScenario(scenario))));
  return build(options.now).map(({ scenario: name, step, text }) => ({ scenario: name, step, event: JSON.parse(text) as ScanDocumentsEvent }));
}

/** How far apart the two sample builds' clocks are: far enough that no fixed date in a sample can be mistaken. */
const PROBE_SHIFT_MS = 1_000_003_000;

/**
 * Builds a scenario's events as JSON text, afresh on each call, for `trigger --scenario … --count N`. The scenario
 * is built twice up front, with different clocks; what differs between the two is what each build renews (event,
 * file and task ids; timestamps and created_at dates), wherever it appears, references included. The text is
 * serialized once with those as slots, and each call fills them in: fresh ids (the same sample id, the same fresh
 * id, so the links hold), and times at the same offsets from `now`. Building a lifecycle object by object
 * (parse, walk, renew, serialize) cost more than building its events one by one with eventTextBuilder().
 */
export function scenarioTextBuilder(definition: ScenarioDefinition): (now?: Date) => ScenarioText[] {
  const build = scenarioBuilder(definition);
  const baseMs = Date.now();
  const a = build(new Date(baseMs));
  const b = build(new Date(baseMs + PROBE_SHIFT_MS));
  const ids = new Map<string, string>(); // sample value -> its prefix ("event", "file", "task")
  const times = new Map<string, number>(); // sample ISO date -> its offset from the build's now
  a.forEach((entry, i) => collectSlots(entry.event, b[i]!.event, ids, times, baseMs));
  const slots = [...ids.keys(), ...times.keys()];
  const slotIndex = new Map(slots.map((slot, i) => [slot, i]));
  const prefixes = [...ids.values()];
  const offsets = [...times.values()];
  const pattern = new RegExp(`"(${slots.map(escapeRegExp).join('|')})"`);
  // Each event's text as alternating literal text and slot numbers: [text, slot, text, slot, text].
  const templates = a.map(({ scenario, step, event }) => {
    const parts = slots.length ? JSON.stringify(event).split(pattern) : [JSON.stringify(event)];
    return {
      scenario,
      step,
      type: event.type,
      idSlot: slotIndex.get(event.id),
      fixedId: event.id,
      texts: parts.filter((_, i) => i % 2 === 0),
      slots: parts.filter((_, i) => i % 2 === 1).map((slot) => slotIndex.get(slot)!),
    };
  });

  // toISOString() is the dearest part of an event: the dates are made once per distinct `now`.
  let isoMs = NaN;
  const values: string[] = new Array(slots.length);
  const idCount = prefixes.length;
  return (now = new Date()) => {
    const nowMs = now.getTime();
    if (nowMs !== isoMs) {
      isoMs = nowMs;
      offsets.forEach((offset, i) => (values[idCount + i] = `"${new Date(nowMs + offset).toISOString()}"`));
    }
    for (let i = 0; i < idCount; i++) values[i] = `"${prefixes[i]}_${randomString(ID_ALPHABET, 16)}"`;
    return templates.map(({ scenario, step, type, idSlot, fixedId, texts, slots: used }) => {
      let text = texts[0]!;
      for (let i = 0; i < used.length; i++) text += values[used[i]!]! + texts[i + 1]!;
      // The event id is one of the slots just filled (unless a flow set it to a fixed value).
      return { scenario, step, text, id: idSlot === undefined ? fixedId : values[idSlot]!.slice(1, -1), type };
    });
  };
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Walks two builds of one event side by side: a string that differs is an id or a date each build renews. */
function collectSlots(a: unknown, b: unknown, ids: Map<string, string>, times: Map<string, number>, baseMs: number): void {
  if (typeof a === 'string') {
    if (typeof b !== 'string' || a === b) return;
    const [msA, msB] = [Date.parse(a), Date.parse(b)];
    if (msB - msA === PROBE_SHIFT_MS && new Date(msA).toISOString() === a) times.set(a, msA - baseMs);
    else if (/^[a-z]+_[a-z0-9]{16}$/.test(a)) ids.set(a, a.slice(0, a.indexOf('_')));
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) a.forEach((item, i) => collectSlots(item, b[i], ids, times, baseMs));
  else if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') {
    for (const key of Object.keys(a)) collectSlots((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], ids, times, baseMs);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { InputError } from '../errors.js';
import type { ScanDocumentsEvent } from './types.js';
import { closestMatch } from '../util/closest.js';

/** The two examples every malformed change is shown; the CLI puts its flag before each. */
export const OVERRIDE_EXAMPLES = ['data.name=report.pdf', 'data.properties.page_count=3'] as const;
const FORM = `use path=value, e.g. ${OVERRIDE_EXAMPLES.join(' or ')}`;
// Path segments that would reach Object.prototype instead of the event's own data.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** One change to an event: `path=value` (the value is JSON when it parses: 3, true, null, {"a":1}, "7"), or a path and a value. */
export type Override = string | readonly [path: string, value: unknown];

/** Changes applied in order; an object's keys are paths (`{ 'data.name': 'report.pdf' }`). */
export type Overrides = readonly Override[] | Readonly<Record<string, unknown>>;

interface ParsedOverride {
  path: string[];
  value: unknown;
}

/**
 * Why a change cannot be made, naming it as it was given (`mode` says whether it could add fields); the CLI
 * says the same after its flag. A hint that points to the other mode says `setNew`, which the CLI words too.
 */
function invalid(entry: string, reason: string, mode?: 'set' | 'setNew'): InputError {
  return new InputError('invalid-override', `"${entry}"${reason}`, { kind: 'override', entry, mode });
}

/** Splits `path=value` at the first `=`; the value is JSON when it parses (3, true, null, {"a":1}, "7"), else text. */
export function parseOverride(entry: string): ParsedOverride {
  const equals = entry.indexOf('=');
  if (equals < 0) throw invalid(entry, ` has no "=": ${FORM}`);
  return { path: parsePath(entry.slice(0, equals).trim(), entry), value: parseValue(entry.slice(equals + 1)) };
}

function parsePath(pathText: string, entry: string): string[] {
  if (pathText === '') throw invalid(entry, ` has an empty path: ${FORM}`);
  const path = pathText.split('.');
  if (path.some((segment) => segment === '')) throw invalid(entry, ` has an empty segment in "${pathText}": ${FORM}`);
  const bad = path.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (bad) throw invalid(entry, `: "${bad}" cannot be set; name a field of the event, ${FORM}`);
  return path;
}

function parseChanges(set: Overrides): Array<ParsedOverride & { entry: string }> {
  const changes: readonly Override[] = Array.isArray(set) ? set : Object.entries(set);
  return changes.map((change) =>
    typeof change === 'string' ? { ...parseOverride(change), entry: change } : { path: parsePath(change[0], change[0]), value: change[1], entry: change[0] },
  );
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A copy of `event` with each `path=value` applied in order. A `set` path must already exist in the event, so a
 * typo (`data.propertes.size`) is an error naming the closest real path instead of a silently added field; a
 * `setNew` path may add fields (missing objects on the way are created) and is applied first.
 */
export function applyOverrides(event: ScanDocumentsEvent, set: Overrides, setNew: Overrides = []): ScanDocumentsEvent {
  return applyOverridesInPlace(structuredClone(event), set, setNew);
}

/** applyOverrides() on an event the caller owns (buildEvent's fresh copy of the fixture): no second copy. */
export function applyOverridesInPlace(event: ScanDocumentsEvent, set: Overrides, setNew: Overrides = []): ScanDocumentsEvent {
  const root = event as unknown as Record<string, unknown>;
  for (const { path, value, entry } of parseChanges(setNew)) setPath(root, path, value, entry, 'setNew');
  for (const { path, value, entry } of parseChanges(set)) setPath(root, path, value, entry, 'set');
  return event;
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown, entry: string, mode: 'set' | 'setNew'): void {
  let container: unknown = root;
  const adds = mode === 'setNew';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const where = path.slice(0, i).join('.') || 'the event';
    if (Array.isArray(container)) {
      if (!/^\d+$/.test(segment)) {
        throw invalid(entry, `: ${where} is an array, so "${segment}" must be an index (0, 1, …)`, mode);
      }
      const index = Number(segment);
      // setNew may append (index = length); neither may leave a hole.
      if (index > container.length || (!adds && index === container.length)) {
        const range = container.length === 0 ? 'it is empty' : `indexes 0 to ${container.length - 1}`;
        const append = adds || index !== container.length ? '' : `; setNew ${[...path.slice(0, i), index].join('.')}=… appends`;
        throw invalid(entry, `: index ${index} is past the end of ${where} (length ${container.length}: ${range})${append}`, mode);
      }
      if (last) container[index] = value;
      else container = descend(container, index);
    } else if (isObject(container)) {
      if (!adds && !Object.hasOwn(container, segment)) throw unknownPath(entry, root, path.slice(0, i + 1), path.join('.'));
      if (last) container[segment] = value;
      else container = descend(container, segment);
    } else {
      throw invalid(entry, `: ${where} is ${describe(container)}, not an object; set ${where} itself instead`, mode);
    }
  }
}

/** A `set` path the event does not have: name the closest path it does have, and how to add a field on purpose. */
function unknownPath(entry: string, root: Record<string, unknown>, missing: string[], full: string): InputError {
  const paths = pathsOf(root);
  const suggestion = closestMatch(full, paths) ?? closestMatch(missing.join('.'), paths);
  const parent = missing.slice(0, -1).join('.') || 'the event';
  const hint = suggestion
    ? `did you mean ${suggestion}?`
    : `${parent} has ${Object.keys(valueAt(root, missing.slice(0, -1)) as object).join(', ') || 'no fields'}`;
  return invalid(entry, `: the event has no ${missing.join('.')}: ${hint} (use setNew ${full}=… to add a field)`, 'set');
}

/** Every path in the event, objects and arrays included: data, data.properties, data.properties.size, … */
function pathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path, ...pathsOf(child, path));
  }
  return out;
}

function valueAt(root: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
}

/** The child at `key`, created as an empty object when missing so deep paths can be set in one go. */
function descend(container: Record<string | number, unknown> | unknown[], key: string | number): unknown {
  const record = container as Record<string | number, unknown>;
  if (record[key] === undefined || record[key] === null) record[key] = {};
  return record[key];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${JSON.stringify(value)}`;
}

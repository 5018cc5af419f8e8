import { InputError } from '../errors.js';
import type { ScanDocumentsEvent } from './types.js';
import { closestMatch } from '../util/closest.js';

const FORM = 'use path=value, e.g. --set data.name=report.pdf or --set data.properties.page_count=3';
// Path segments that would reach Object.prototype instead of the event's own data.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

interface Override {
  path: string[];
  value: unknown;
}

/** Splits `path=value` at the first `=`; the value is JSON when it parses (3, true, null, {"a":1}, "7"), else text. */
export function parseOverride(entry: string): Override {
  const equals = entry.indexOf('=');
  if (equals < 0) throw new InputError('invalid-override', `--set "${entry}" has no "=": ${FORM}`);
  const pathText = entry.slice(0, equals).trim();
  if (pathText === '') throw new InputError('invalid-override', `--set "${entry}" has an empty path: ${FORM}`);
  const path = pathText.split('.');
  if (path.some((segment) => segment === '')) {
    throw new InputError('invalid-override', `--set "${entry}" has an empty segment in "${pathText}": ${FORM}`);
  }
  const bad = path.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (bad) throw new InputError('invalid-override', `--set "${entry}": "${bad}" cannot be set; name a field of the event, ${FORM}`);
  return { path, value: parseValue(entry.slice(equals + 1)) };
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
export function applyOverrides(event: ScanDocumentsEvent, set: readonly string[], setNew: readonly string[] = []): ScanDocumentsEvent {
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  for (const entry of setNew) {
    const { path, value } = parseOverride(entry);
    setPath(copy, path, value, entry, { flag: '--set-new', adds: true });
  }
  for (const entry of set) {
    const { path, value } = parseOverride(entry);
    setPath(copy, path, value, entry, { flag: '--set', adds: false });
  }
  return copy as unknown as ScanDocumentsEvent;
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown, entry: string, mode: { flag: string; adds: boolean }): void {
  let container: unknown = root;
  const quoted = `${mode.flag} "${entry}"`;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const where = path.slice(0, i).join('.') || 'the event';
    if (Array.isArray(container)) {
      if (!/^\d+$/.test(segment)) {
        throw new InputError('invalid-override', `${quoted}: ${where} is an array, so "${segment}" must be an index (0, 1, …)`);
      }
      const index = Number(segment);
      // --set-new may append (index = length); neither may leave a hole.
      if (index > container.length || (!mode.adds && index === container.length)) {
        const range = container.length === 0 ? 'it is empty' : `indexes 0 to ${container.length - 1}`;
        const append = mode.adds || index !== container.length ? '' : `; --set-new ${[...path.slice(0, i), index].join('.')}=… appends`;
        throw new InputError('invalid-override', `${quoted}: index ${index} is past the end of ${where} (length ${container.length}: ${range})${append}`);
      }
      if (last) container[index] = value;
      else container = descend(container, index);
    } else if (isObject(container)) {
      if (!mode.adds && !Object.hasOwn(container, segment)) throw unknownPath(quoted, root, path.slice(0, i + 1), path.join('.'));
      if (last) container[segment] = value;
      else container = descend(container, segment);
    } else {
      throw new InputError('invalid-override', `${quoted}: ${where} is ${describe(container)}, not an object; set ${where} itself instead`);
    }
  }
}

/** A --set path the event does not have: name the closest path it does have, and how to add a field on purpose. */
function unknownPath(quoted: string, root: Record<string, unknown>, missing: string[], full: string): InputError {
  const paths = pathsOf(root);
  const suggestion = closestMatch(full, paths) ?? closestMatch(missing.join('.'), paths);
  const parent = missing.slice(0, -1).join('.') || 'the event';
  const hint = suggestion
    ? `did you mean ${suggestion}?`
    : `${parent} has ${Object.keys(valueAt(root, missing.slice(0, -1)) as object).join(', ') || 'no fields'}`;
  return new InputError(
    'invalid-override',
    `${quoted}: the event has no ${missing.join('.')}: ${hint} (use --set-new ${full}=… to add a field)`,
  );
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

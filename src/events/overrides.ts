import { InputError } from '../errors.js';
import type { ScanDocumentsEvent } from './types.js';

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

/** Why a change cannot be made, naming it as it was given: the CLI says the same after its flag. */
function invalid(entry: string, reason: string): InputError {
  return new InputError('invalid-override', `"${entry}"${reason}`, { kind: 'override', entry });
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

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A copy of `event` with each change applied in order; missing intermediate objects are created. */
export function applyOverrides(event: ScanDocumentsEvent, set: Overrides): ScanDocumentsEvent {
  const copy = structuredClone(event);
  const changes: readonly Override[] = Array.isArray(set) ? set : Object.entries(set);
  for (const change of changes) {
    const entry = typeof change === 'string' ? change : change[0];
    const { path, value } = typeof change === 'string' ? parseOverride(change) : { path: parsePath(change[0], entry), value: change[1] };
    setPath(copy as unknown as Record<string, unknown>, path, value, entry);
  }
  return copy;
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown, entry: string): void {
  let container: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const where = path.slice(0, i).join('.') || 'the event';
    if (Array.isArray(container)) {
      if (!/^\d+$/.test(segment)) {
        throw invalid(entry, `: ${where} is an array, so "${segment}" must be an index (0, 1, …)`);
      }
      const index = Number(segment);
      if (index > container.length) {
        throw invalid(entry, `: index ${index} is past the end of ${where} (length ${container.length})`);
      }
      if (last) container[index] = value;
      else container = descend(container, index);
    } else if (isObject(container)) {
      if (last) container[segment] = value;
      else container = descend(container, segment);
    } else {
      throw invalid(entry, `: ${where} is ${describe(container)}, not an object; set ${where} itself instead`);
    }
  }
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

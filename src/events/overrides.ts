import { InputError } from '../errors.js';
import type { ScanDocumentsEvent } from './types.js';

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

/** A copy of `event` with each `path=value` applied in order; missing intermediate objects are created. */
export function applyOverrides(event: ScanDocumentsEvent, set: string[]): ScanDocumentsEvent {
  const copy = structuredClone(event);
  for (const entry of set) {
    const { path, value } = parseOverride(entry);
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
        throw new InputError('invalid-override', `--set "${entry}": ${where} is an array, so "${segment}" must be an index (0, 1, …)`);
      }
      const index = Number(segment);
      if (index > container.length) {
        throw new InputError('invalid-override', `--set "${entry}": index ${index} is past the end of ${where} (length ${container.length})`);
      }
      if (last) container[index] = value;
      else container = descend(container, index);
    } else if (isObject(container)) {
      if (last) container[segment] = value;
      else container = descend(container, segment);
    } else {
      throw new InputError('invalid-override', `--set "${entry}": ${where} is ${describe(container)}, not an object; set ${where} itself instead`);
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

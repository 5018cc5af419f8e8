import microdiff from 'microdiff';
import { WEBHOOK_HEADER_NAMES } from '../signature/index.js';
import { nestingDepth } from '../signature/diagnose.js';
import type { DeliveryDetail } from './model.js';

/** Headers that differ on every attempt by design: a fresh timestamp and the signature over it. */
const VOLATILE = new Set([...Object.values(WEBHOOK_HEADER_NAMES).flatMap(([, timestamp, signature]) => [timestamp, signature]), 'content-length']);

export interface HeaderChange {
  name: string;
  a?: string;
  b?: string;
  change: 'same' | 'changed' | 'added' | 'removed';
  volatile: boolean;
}

export type BodyDiff =
  | { kind: 'json'; changes: Array<{ path: string; change: 'added' | 'removed' | 'changed'; a?: unknown; b?: unknown }> }
  | { kind: 'text'; same: boolean; a: string; b: string };

export interface DeliveryDiff {
  a: number;
  b: number;
  headers: HeaderChange[];
  body: BodyDiff;
}

/** Compares two deliveries: the body field by field when both are JSON, and every header, volatile ones marked. */
export function diffDeliveries(a: DeliveryDetail, b: DeliveryDetail): DeliveryDiff {
  const names = [...new Set([...Object.keys(a.headers), ...Object.keys(b.headers)])].sort();
  const headers = names.map((name): HeaderChange => {
    const x = a.headers[name];
    const y = b.headers[name];
    const change = x === y ? 'same' : x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
    return { name, a: x, b: y, change, volatile: VOLATILE.has(name) };
  });
  return { a: a.seq, b: b.seq, headers, body: diffBodies(a, b) };
}

function diffBodies(a: DeliveryDetail, b: DeliveryDetail): BodyDiff {
  // A body the history did not keep reads as empty: never compare that as if it were the body.
  if (a.bodyKept === false || b.bodyKept === false) return { kind: 'text', same: false, a: shownBody(a), b: shownBody(b) };
  const x = parseObject(a);
  const y = parseObject(b);
  if (x !== undefined && y !== undefined) {
    return {
      kind: 'json',
      changes: microdiff(x, y).map((d) => ({
        path: d.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, ''),
        change: d.type === 'CREATE' ? 'added' : d.type === 'REMOVE' ? 'removed' : 'changed',
        a: d.type === 'CREATE' ? undefined : d.oldValue,
        b: d.type === 'REMOVE' ? undefined : d.value,
      })),
    };
  }
  return { kind: 'text', same: a.body === b.body && a.bodyEncoding === b.bodyEncoding, a: a.body, b: b.body };
}

/**
 * How deep two bodies may nest to be compared field by field. microdiff recurses once per level: a body nested
 * 20,000 deep overflowed the stack and the diff answered 500 (issue 19 defect 2); deeper ones are compared as text.
 */
export const DIFF_DEPTH_MAX = 100;

/** microdiff compares objects and arrays; a body that is JSON but a bare value, or nested too deep, is compared as text. */
function parseObject(d: DeliveryDetail): Record<string, unknown> | unknown[] | undefined {
  // The one bracket counter (signature/diagnose.ts) reads bytes; the page keeps its own copy (it has no build step).
  if (d.bodyEncoding !== 'utf8' || nestingDepth(Buffer.from(d.body, 'utf8')) > DIFF_DEPTH_MAX) return undefined;
  try {
    const value: unknown = JSON.parse(d.body);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function shownBody(d: DeliveryDetail): string {
  return d.bodyKept === false ? `(body not kept: ${d.bodyBytes} bytes)` : d.body;
}

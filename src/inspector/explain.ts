import { SIGNATURE_HEADER_NAMES, WEBHOOK_HEADER_NAMES } from '../signature/index.js';
import type { DeliveryDetail } from './model.js';

/** How much of the body the signed content shows. */
const SIGNED_BODY_PREVIEW = 120;

/** The "why it failed" panel: what verify found, laid out. Never holds a secret, only signatures. */
export interface Diagnosis {
  reason: string;
  message: string;
  /** The webhook headers of the family read (or of both when none was complete). */
  headers: Array<{ name: string; value?: string }>;
  /** `id.timestamp.body`, the bytes that are signed, with the body cut short. */
  signedContent?: string;
  bodyTruncated: boolean;
  expected: string[];
  received: Array<{ value: string; matches: boolean }>;
  skew?: { seconds: number; toleranceSeconds: number; within: boolean };
  /** What the re-serialization check found: the signature matches a re-serialized form of the JSON. */
  reserialization?: string;
}

export function explainFailure(d: DeliveryDetail): Diagnosis | undefined {
  const v = d.verification;
  if (!v || v.ok) return undefined;
  const family = v.family;
  const names = family ? WEBHOOK_HEADER_NAMES[family] : SIGNATURE_HEADER_NAMES;
  const text = d.bodyEncoding === 'utf8' ? d.body : `<${Buffer.byteLength(d.body, 'base64')} bytes, not UTF-8>`;
  const truncated = text.length > SIGNED_BODY_PREVIEW;
  const expected = v.expectedSignatures ?? [];
  return {
    reason: v.reason,
    message: v.message,
    headers: names.map((name) => ({ name, value: d.headers[name] })),
    signedContent: v.id !== undefined && v.timestamp !== undefined ? `${v.id}.${v.timestamp}.${truncated ? `${text.slice(0, SIGNED_BODY_PREVIEW)}…` : text}` : undefined,
    bodyTruncated: truncated,
    expected,
    received: (v.receivedSignatures ?? []).map((value) => ({ value, matches: expected.includes(value) })),
    skew:
      v.skewSeconds !== undefined && v.toleranceSeconds !== undefined
        ? { seconds: v.skewSeconds, toleranceSeconds: v.toleranceSeconds, within: Math.abs(v.skewSeconds) <= v.toleranceSeconds }
        : undefined,
    reserialization: v.reason === 'body-reserialized' ? v.message : undefined,
  };
}

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { colorJson } from '../../src/cli/shared/json-color.js';
import { deliveryJsonLine, formatDelivery, formatSummary, reportJson } from '../../src/cli/listen/render.js';
import { createCoalescedOutput } from '../../src/cli/shared/coalesced-output.js';
import type { DeliveryReport } from '../../src/listener/reports.js';
import { stringifyJson } from '../../src/util/json-string.js';

const plain = { color: new Chalk({ level: 0 }), verbose: false };
const body = Buffer.from('{"id":"event_1","type":"task.completed"}');

function delivery(extra: Partial<DeliveryReport> = {}): DeliveryReport {
  return {
    type: 'delivery',
    receivedAt: '2026-01-02T03:04:05.000Z',
    method: 'POST',
    path: '/webhooks',
    messageId: 'msg_1',
    attempt: 1,
    eventType: 'task.completed',
    eventId: 'event_1',
    verification: { ok: true, id: 'msg_1', timestamp: 1, family: 'svix', signature: 'v1,x', secretIndex: 0 },
    filtered: false,
    status: 200,
    delayMs: 0,
    latencyMs: 3.25,
    senderGone: false,
    headers: { 'svix-id': 'msg_1' },
    body,
    ...extra,
  };
}

describe('listen renderer', () => {
  it('formatDelivery shows a journal failure and the 500 it caused', () => {
    const line = formatDelivery(delivery({ status: 500, recorded: false, recordError: 'ENOSPC: no space left on device, write' }), plain);
    expect(line).toMatch(/task\.completed  event_1  ✓ verified  ✗ not recorded: ENOSPC: no space left on device, write  → 500  3\.3ms$/);
  });

  it('formatDelivery shows the app answer, or why the app could not answer', () => {
    const answered = formatDelivery(delivery({ forward: { url: 'http://localhost:3000/', status: 201, latencyMs: 12, body: Buffer.from('{\n  "ok": true\n}') } }), plain);
    expect(answered).toMatch(/→ 200  3\.3ms  ⇢ app 201 in 12ms: \{ "ok": true \}$/);
    const down = formatDelivery(delivery({ status: 502, forward: { url: 'http://localhost:3000/', latencyMs: 1, errorKind: 'unreachable', error: 'connection refused' } }), plain);
    expect(down).toMatch(/→ 502  3\.3ms  ⇢ app unreachable: connection refused \(http:\/\/localhost:3000\/\)$/);
  });

  it('colorJson indents JSON, colours it only when colour is on', () => {
    const value = { id: 'event_1', n: 2, ok: true, none: null, list: [1], empty: {} };
    expect(colorJson(value, new Chalk({ level: 0 }))).toBe(JSON.stringify(value, null, 2));
    const coloured = colorJson(value, new Chalk({ level: 1 }));
    expect(coloured).toContain('\u001b[36m"id"\u001b[39m');
    expect(coloured).toContain('\u001b[32m"event_1"\u001b[39m');
  });

  it('formatSummary lists the counts, the types by frequency and the statuses in order', () => {
    const lines = formatSummary(
      { received: 4, verified: 3, failed: 1, unverified: 0, filtered: 1, forwarded: 2, forwardFailed: 0, rejected: 1, byType: { 'file.created': 1, 'task.failed': 3 }, byStatus: { 500: 1, 200: 2, 401: 1 } },
      plain,
    );
    expect(lines).toEqual([
      'Stopped. 4 deliveries received: 3 verified, 1 failed verification, 1 filtered out, 2 forwarded',
      '  1 request rejected before verification (too large, malformed, too slow or aborted)',
      '  by type    task.failed 3 · file.created 1',
      '  answered   200 ×2 · 401 ×1 · 500 ×1',
    ]);
  });

  it('deliveryJsonLine, written by jsonLine, is byte for byte stringifyJson(reportJson()) (UTF-8 bodies; others take reportJson)', () => {
    const written: Buffer[] = [];
    const output = createCoalescedOutput((bytes) => written.push(bytes));
    const cases = [
      delivery(),
      delivery({ body: Buffer.from('{"a":"\u001b[2J\\ \n\t\u2028 é 😀","b":null}'), repeat: 'retry', attempt: 2 }),
      // issue 19 defect 9: C1, DEL and bidi in the body and in a header are \uXXXX in the line, wherever they are.
      delivery({ body: Buffer.from('{"a":"\u009b31m\u007f\u202e\u2066\u200f\u061c"}'), headers: { 'svix-id': 'msg_\u009b\u0085' } }),
      delivery({ body: Buffer.alloc(0), verification: undefined, eventType: undefined, eventId: undefined }),
      delivery({ forward: { url: 'http://localhost:3000/', status: 201, latencyMs: 12, body: Buffer.from('{"ok":true}') } }),
      delivery({ forward: { url: 'http://localhost:3000/', latencyMs: 30_000, error: 'no answer', errorKind: 'timeout' } }),
    ];
    for (const report of cases) {
      const parts = deliveryJsonLine(report)!;
      output.jsonLine(parts.before, parts.body, parts.after);
      output.flush();
      const line = written.pop()!.toString('utf8');
      expect(line).toBe(`${stringifyJson(reportJson(report))}\n`);
      // eslint-disable-next-line no-control-regex
      expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    }
    expect(deliveryJsonLine(delivery({ body: Buffer.from([0xff, 0x00]) }))).toBeUndefined();
  });

  it('reportJson encodes the body as text, or base64 when it is not UTF-8, and says whether it verified', () => {
    expect(reportJson(delivery())).toMatchObject({ type: 'delivery', verified: true, body: body.toString(), bodyEncoding: 'utf8' });
    const binary = Buffer.from([0xff, 0x00]);
    expect(reportJson(delivery({ body: binary, verification: undefined }))).toMatchObject({ verified: null, body: '/wA=', bodyEncoding: 'base64' });
  });
});

import { describe, expect, it } from 'vitest';
import { selectRecords, toOutgoingMessage } from '../../src/delivery/replay.js';
import { parseJournal, readJournal } from '../../src/journal/parse.js';
import { InputError } from '../../src/errors.js';
import type { JournalRecord } from '../../src/journal/record.js';

const line = (fields: Partial<JournalRecord>) =>
  JSON.stringify({ type: 'delivery', receivedAt: '2026-11-28T12:00:00.000Z', method: 'POST', path: '/', headers: {}, body: '{}', bodyEncoding: 'utf8', status: 200, ...fields });

describe('replay journal', () => {
  it('parseJournal() keeps delivery records, skips blank lines and other record types', () => {
    const records = parseJournal([line({ messageId: 'msg_a' }), '', '{"type":"ready"}', line({ messageId: 'msg_b' }), ''].join('\n'), 'j.jsonl');
    expect(records.map((r) => r.messageId)).toEqual(['msg_a', 'msg_b']);
  });

  it('parseJournal() names the line of a malformed record', () => {
    const text = [line({}), line({}), 'not json', ''].join('\n');
    // A line that is not JSON is skipped and named (issue 19 defect 3); strict refuses the journal instead.
    expect(readJournal(text, 'j.jsonl')).toMatchObject({ damagedLines: [3], records: [{ type: 'delivery' }, { type: 'delivery' }] });
    expect(() => parseJournal(text, 'j.jsonl', { strict: true })).toThrow(InputError);
    expect(() => parseJournal(text, 'j.jsonl', { strict: true })).toThrow(/^j\.jsonl line 3 is not JSON/);
    // A torn last line (no newline after it) was never acknowledged: skipped and named (issue 11).
    expect(readJournal([line({}), '{"type":"deli'].join('\n'), 'j.jsonl')).toMatchObject({ tornLastLine: 2, damagedLines: [], records: [{ type: 'delivery' }] });
    expect(readJournal([line({}), '{"type":"deli'].join('\n'), 'j.jsonl', { strict: true })).toMatchObject({ tornLastLine: 2 });
    expect(() => parseJournal('[1,2]', 'j.jsonl')).toThrow(/j\.jsonl line 1 is not a journal record/);
    expect(() => parseJournal(line({ bodyEncoding: 'hex' as never }), 'j.jsonl')).toThrow(/bodyEncoding "hex", not "utf8" or "base64"/);
    expect(() => parseJournal(line({ receivedAt: 'yesterday' }), 'j.jsonl')).toThrow(/no valid "receivedAt" time/);
  });

  it('toOutgoingMessage() decodes base64 bodies exactly and keeps the recorded svix-id, else the header, else a fresh id', () => {
    const bytes = Buffer.from([0, 1, 2, 0xff]);
    const [a, b, c] = parseJournal(
      [
        line({ body: bytes.toString('base64'), bodyEncoding: 'base64', messageId: 'msg_a' }),
        line({ headers: { 'webhook-id': 'msg_from_header' } }),
        line({}),
      ].join('\n'),
      'j',
    );
    expect(Buffer.from(toOutgoingMessage(a!).body).equals(bytes)).toBe(true);
    expect(toOutgoingMessage(a!).messageId).toBe('msg_a');
    expect(toOutgoingMessage(b!).messageId).toBe('msg_from_header');
    expect(toOutgoingMessage(c!).messageId).toMatch(/^msg_\w+/);
  });

  it('selectRecords() combines --id, --type globs and --since', () => {
    const records = parseJournal(
      [
        line({ messageId: 'msg_1', eventId: 'event_1', eventType: 'task.completed', receivedAt: '2026-11-28T10:00:00Z' }),
        line({ messageId: 'msg_2', eventId: 'event_2', eventType: 'file.created', receivedAt: '2026-11-28T11:00:00Z' }),
        line({ messageId: 'msg_3', eventId: 'event_3', eventType: 'task.failed', receivedAt: '2026-11-28T12:00:00Z' }),
      ].join('\n'),
      'j',
    );
    const ids = (filter: Parameters<typeof selectRecords>[1]) => selectRecords(records, filter).map((r) => r.messageId);
    expect(ids({})).toEqual(['msg_1', 'msg_2', 'msg_3']);
    expect(ids({ ids: ['event_2', 'msg_3'] })).toEqual(['msg_2', 'msg_3']);
    expect(ids({ types: ['task.*'] })).toEqual(['msg_1', 'msg_3']);
    expect(ids({ types: ['task.'] })).toEqual([]);
    expect(ids({ sinceMs: Date.parse('2026-11-28T11:00:00Z') })).toEqual(['msg_2', 'msg_3']);
    expect(ids({ types: ['*.created', 'task.failed'], sinceMs: Date.parse('2026-11-28T10:30:00Z') })).toEqual(['msg_2', 'msg_3']);
  });
});

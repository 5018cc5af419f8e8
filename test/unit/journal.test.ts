import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/append.js';
import { encodeBody } from '../../src/journal/record.js';
import type { JournalRecord } from '../../src/journal/record.js';

const dir = mkdtempSync(join(tmpdir(), 'scandocs-journal-'));

function record(n: number): JournalRecord {
  return {
    type: 'delivery',
    receivedAt: new Date(1_800_000_000_000 + n).toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'svix-id': `msg_${n}` },
    ...encodeBody(Buffer.from(`{"n":${n}}`)),
    messageId: `msg_${n}`,
    status: 200,
  };
}

describe('journal', () => {
  it('append() resolves only once its line is in the file', async () => {
    const path = join(dir, 'one.jsonl');
    const journal = await openJournal(path);
    await journal.append(record(1));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(record(1));
    await journal.close();
  });

  it('concurrent appends land as whole lines, each readable when its own promise resolves', async () => {
    const path = join(dir, 'many.jsonl');
    const journal = await openJournal(path);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        journal.append(record(n)).then(() => {
          const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
          seen.push(n);
          expect(lines.map((l) => JSON.parse(l).messageId)).toContain(`msg_${n}`);
        }),
      ),
    );
    await journal.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(200);
    expect(lines.map((l) => JSON.parse(l).messageId).sort()).toEqual(seen.map((n) => `msg_${n}`).sort());
  });

  it('appends to an existing journal instead of replacing it', async () => {
    const path = join(dir, 'existing.jsonl');
    writeFileSync(path, `${JSON.stringify(record(0))}\n`);
    const journal = await openJournal(path);
    await journal.append(record(1));
    await journal.close();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  it('openJournal refuses a path it cannot write, saying why', async () => {
    await expect(openJournal(join(dir, 'missing-folder', 'events.jsonl'))).rejects.toThrow(/cannot write the journal ".*events.jsonl": its folder does not exist/);
    await expect(openJournal(dir)).rejects.toThrow(/it is a directory/);
  });

  it('encodeBody keeps UTF-8 as text and anything else as base64, losing no byte', () => {
    expect(encodeBody(Buffer.from('{"name":"reçu"}'))).toEqual({ body: '{"name":"reçu"}', bodyEncoding: 'utf8' });
    const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const encoded = encodeBody(binary);
    expect(encoded.bodyEncoding).toBe('base64');
    expect(Buffer.from(encoded.body, 'base64')).toEqual(binary);
  });
});

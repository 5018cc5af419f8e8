// issue 19 defect 4: a wrongly signed request must cost at most a few valid deliveries, whatever its body. These
// guard the bound structurally (what is hashed, what is tried), never by timing; bench/hostile.js measures the cost.
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/index.js';
import { peekEventLabels } from '../../src/listener/event-labels.js';
import { DIAGNOSIS_BYTES_PER_BODY_BYTE, findReserialization, jsonShape } from '../../src/signature/diagnose.js';
import { MAX_SIGNATURES_TRIED, verify } from '../../src/signature/verify.js';

const SECRET = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';

/** Every candidate findReserialization hashes, as the injected matcher sees it. */
function hashedBytes(body: string, matchName?: (candidate: string) => boolean): { total: number; candidates: number; found?: string } {
  let total = 0;
  let candidates = 0;
  const found = findReserialization(Buffer.from(body), (candidate) => {
    total += candidate.length;
    candidates++;
    return matchName?.(candidate.toString()) ?? false;
  });
  return { total, candidates, found };
}

describe('findReserialization(payload, matches): bounded by the bytes it hashes', () => {
  const nested31 = `${'['.repeat(31)}${Array(30_000).fill('1').join(',')}${']'.repeat(31)}`; // 61 KB, 3.9 MB pretty (4)
  const wide = `{${Array.from({ length: 5_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`; // 52 KB

  it.each([
    ['61 KB nested 31 deep', nested31],
    ['52 KB wide flat object', wide],
    ['a real event', JSON.stringify(buildEvent('task.completed'))],
    ['a real event, pretty-printed', JSON.stringify(buildEvent('task.completed'), null, 2)],
  ])('hashes at most DIAGNOSIS_BYTES_PER_BODY_BYTE x the body for %s', (_name, body) => {
    const { total } = hashedBytes(body);
    expect(total).toBeLessThanOrEqual(DIAGNOSIS_BYTES_PER_BODY_BYTE * Buffer.byteLength(body));
  });

  it('still finds the likely forms of a real event: minified, 2-space pretty, spaced, newline-terminated', () => {
    const event = buildEvent('task.completed');
    const minified = JSON.stringify(event);
    const pretty = JSON.stringify(event, null, 2);
    expect(hashedBytes(pretty, (c) => c === minified).found).toBe('minified');
    expect(hashedBytes(minified, (c) => c === pretty).found).toBe('pretty-printed (2 spaces)');
    expect(hashedBytes(minified, (c) => c === `${minified}\n`).found).toBe('newline-terminated');
    expect(hashedBytes(minified, (c) => c.startsWith('{"id": ')).found).toBe('spaced (", " and ": " separators)');
  });

  it('predicts each pretty form from one pass over the bytes, exactly for what JSON.stringify makes', () => {
    for (const value of [buildEvent('file.created'), { a: [], b: {}, c: [1, [2, {}], { d: 'x,:{"' }] }, [[[1, 2]]]]) {
      const text = JSON.stringify(value, null, 3);
      const shape = jsonShape(Buffer.from(text));
      const minified = Buffer.byteLength(text) - shape.whitespace;
      expect(minified).toBe(Buffer.byteLength(JSON.stringify(value)));
      expect(minified + shape.lines + 4 * shape.indents + shape.colons).toBe(Buffer.byteLength(JSON.stringify(value, null, 4)));
    }
  });
});

describe('verify(): at most MAX_SIGNATURES_TRIED signatures tried per header', () => {
  it('says how many the header held and that only the first ones were tried; a match past them does not count', () => {
    const body = JSON.stringify(buildEvent('task.completed'));
    const timestamp = new Date();
    const real = new Webhook(SECRET).sign('msg_many', timestamp, body);
    const junk = Array.from({ length: 1_800 }, (_, i) => `v1,${Buffer.alloc(3, i).toString('base64')}`);
    const headers = (signature: string) => ({ 'svix-id': 'msg_many', 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature });

    const result = verify({ payload: body, secret: SECRET, headers: headers(junk.join(' ')) });
    expect(result).toMatchObject({ ok: false, reason: 'no-matching-signature', signaturesInHeader: 1_800 });
    expect(!result.ok && result.message).toContain(`no signature matched among the first ${MAX_SIGNATURES_TRIED} of 1800 signatures, the most tried per header`);
    expect(!result.ok && result.receivedSignatures).toHaveLength(MAX_SIGNATURES_TRIED);

    expect(verify({ payload: body, secret: SECRET, headers: headers([...junk.slice(0, MAX_SIGNATURES_TRIED - 1), real].join(' ')) }).ok).toBe(true);
    expect(verify({ payload: body, secret: SECRET, headers: headers([...junk.slice(0, MAX_SIGNATURES_TRIED), real].join(' ')) }).ok).toBe(false);
  });
});

describe('peekEventLabels(body): the type and id of a body that is not parsed', () => {
  it('reads top-level string members only, escapes decoded, stopping at nothing else', () => {
    expect(peekEventLabels(Buffer.from(JSON.stringify(buildEvent('task.completed', { id: 'event_peek' }))))).toEqual({ eventType: 'task.completed', eventId: 'event_peek' });
    expect(peekEventLabels(Buffer.from('{"data":{"type":"inner","id":"x"},"type":"t\\u00e9st", "id" : "a\\"b"}'))).toEqual({ eventType: 'tést', eventId: 'a"b' });
    expect(peekEventLabels(Buffer.from('{"type":1,"id":["x"]}'))).toEqual({});
    expect(peekEventLabels(Buffer.from('[{"type":"x"}]'))).toEqual({});
    expect(peekEventLabels(Buffer.from(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`))).toEqual({});
    expect(peekEventLabels(Buffer.from('{"type":"unterminated'))).toEqual({});
  });
});

import { randomBytes } from 'node:crypto';
import { sign, newMessageId } from '../signature/index.js';
import { buildEvent, EVENT_TYPES, type ScanDocumentsEvent } from '../events/index.js';
import type { Check, CheckContext, CheckRequest } from './types.js';

/** Standard Webhooks refuses timestamps more than 5 minutes away; 10 minutes is clearly outside, either way. */
const REPLAY_OFFSET_SECONDS = 10 * 60;
/** Large enough to trip a default body-parser limit (express: 100 KiB), as a long extracted text does. */
export const LARGE_PAYLOAD_BYTES = 256 * 1024;
/** A plausible type Scan Documents could add tomorrow; the endpoint has never seen it. */
export const UNKNOWN_EVENT_TYPE = 'file.updated';

/**
 * The battery, in the order it runs and is reported: every accept check, then every refuse check, then the redirect
 * check. Each check builds fresh requests (fresh ids, signed at `context.now`) each time it runs.
 */
export const BATTERY: readonly Check[] = [
  ...EVENT_TYPES.map(
    (type): Check => ({
      name: `accepts-${type}`,
      group: 'must-accept',
      rule: `a valid, signed ${type} delivery is acknowledged with a 2xx`,
      build: (context) => [signed(context, type, buildEvent(type))],
    }),
  ),
  {
    name: 'accepts-rotated-signatures',
    group: 'must-accept',
    rule: 'a signature header with several signatures, only one of which matches, is accepted (key rotation)',
    build(context) {
      const body = JSON.stringify(buildEvent('file.created'));
      const id = newMessageId();
      const retiredKey = sign({ payload: body, secret: otherSecret(), id, timestamp: context.now });
      const request = signedBody(context, 'file.created, signed with two keys', body, {
        id,
        hint:
          'refused a svix-signature header whose second signature matches: check every space-separated "v1,…" ' +
          'entry (as the svix library does), not only the first, or key rotation will break your endpoint',
      });
      // The matching signature comes second: a verifier that reads only the first entry fails, as it would in production.
      request.headers['svix-signature'] = `${retiredKey.signature} ${request.headers['svix-signature']}`;
      return [request];
    },
  },
  {
    name: 'accepts-unknown-type',
    group: 'must-accept',
    rule: 'an event type the endpoint has never seen is acknowledged, not refused',
    build: (context) => [
      signed(context, UNKNOWN_EVENT_TYPE, { ...buildEvent('file.deleted'), type: UNKNOWN_EVENT_TYPE }, {
        hint:
          `failed on an event type it has never seen (${UNKNOWN_EVENT_TYPE}): answer 2xx to types you do not handle and ` +
          'ignore them, or every type Scan Documents adds will fail and be retried for 48 hours',
      }),
    ],
  },
  {
    name: 'accepts-duplicate',
    group: 'must-accept',
    rule: 'the same svix-id delivered twice is acknowledged both times (retries are normal)',
    build(context) {
      const event = buildEvent('task.created');
      const id = newMessageId();
      return [
        signed(context, 'task.created', event, { id }),
        signed(context, 'task.created again, same svix-id', event, {
          id,
          hint:
            'refused a retry of a message it had already accepted: a repeated svix-id is a retry, answer 2xx again ' +
            'and skip the work already done (remember the ids you have handled)',
        }),
      ];
    },
  },
  {
    name: 'accepts-out-of-order',
    group: 'must-accept',
    rule: 'events that arrive out of order (task.completed before task.created) are both acknowledged',
    build(context) {
      const completed = buildEvent('task.completed');
      const created = buildEvent('task.created');
      // The same task, created a few seconds before it completed, delivered after it.
      const late: ScanDocumentsEvent = {
        ...created,
        timestamp: new Date(Date.parse(completed.timestamp) - 5_000).toISOString(),
        data: { ...created.data, id: completed.data.id, operation: completed.data.operation },
      };
      const hint =
        'failed when task.completed arrived before task.created: deliveries come in no guaranteed order, so ' +
        'upsert by data.id instead of assuming the creation event came first';
      return [signed(context, 'task.completed', completed, { hint }), signed(context, 'task.created, late', late, { hint })];
    },
  },
  {
    name: 'accepts-large-payload',
    group: 'must-accept',
    rule: `a ${LARGE_PAYLOAD_BYTES / 1024} KiB event is acknowledged`,
    build: (context) => [
      signedBody(context, `task.completed, ${LARGE_PAYLOAD_BYTES / 1024} KiB`, largeBody(), {
        hint:
          `refused a ${LARGE_PAYLOAD_BYTES / 1024} KiB event: raise your body parser's size limit (express.raw ` +
          "defaults to 100 KiB; e.g. express.raw({ type: 'application/json', limit: '1mb' }))",
      }),
    ],
  },
  {
    name: 'accepts-exact-bytes',
    group: 'must-accept',
    rule: 'a body whose bytes change when re-serialized (spaces, \\u escapes, 1.0) is accepted: the signature covers the raw bytes',
    build: (context) => [
      signedBody(context, 'file.created, spaced JSON with \\u escapes and 1.0', unnormalizedBody(), {
        hint:
          'refused a validly signed body that is not compact JSON: the code verifies a re-serialized body ' +
          '(JSON.stringify(JSON.parse(raw)): body-reserialized), not the raw bytes; verify the request body exactly as received',
      }),
    ],
  },
  {
    name: 'refuses-unsigned',
    group: 'must-refuse',
    rule: 'a delivery without svix-id, svix-timestamp and svix-signature is refused',
    build: () => [
      {
        label: 'file.created without signature headers',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(buildEvent('file.created')),
        hint: 'accepted a request with no signature: verify svix-signature before handling the event (new Webhook(secret).verify(rawBody, headers))',
      },
    ],
  },
  {
    name: 'refuses-tampered-body',
    group: 'must-refuse',
    rule: 'a body changed after signing is refused',
    build(context) {
      const event = buildEvent('file.created');
      const request = signed(context, 'file.created, body changed after signing', event, {
        hint:
          'accepted a body that does not match its signature: the code checks that the headers are there but does ' +
          'not verify the signature over the raw body; verify it before handling the event',
      });
      request.body = JSON.stringify({ ...event, data: { ...event.data, name: 'tampered.pdf' } });
      return [request];
    },
  },
  {
    name: 'refuses-wrong-secret',
    group: 'must-refuse',
    rule: 'a signature made with another secret is refused',
    build: (context) => [
      signed({ ...context, secret: otherSecret() }, 'file.created, signed with another secret', buildEvent('file.created'), {
        hint:
          'accepted a signature made with another secret: the code does not compare the signature with one computed ' +
          "from the endpoint's whsec_ secret; verify with that secret",
      }),
    ],
  },
  {
    name: 'refuses-stale-timestamp',
    group: 'must-refuse',
    rule: 'a delivery signed 10 minutes ago is refused (replay protection)',
    build: (context) => [
      signed(context, 'file.created, signed 10 minutes ago', buildEvent('file.created'), {
        timestamp: context.now - REPLAY_OFFSET_SECONDS,
        hint:
          'accepted a delivery signed 10 minutes ago: refuse a svix-timestamp more than 5 minutes from now, or a ' +
          'captured request can be replayed (the svix library checks it for you)',
      }),
    ],
  },
  {
    name: 'refuses-future-timestamp',
    group: 'must-refuse',
    rule: 'a delivery timestamped 10 minutes ahead is refused',
    build: (context) => [
      signed(context, 'file.created, timestamped 10 minutes ahead', buildEvent('file.created'), {
        timestamp: context.now + REPLAY_OFFSET_SECONDS,
        hint:
          'accepted a timestamp 10 minutes in the future: the 5-minute tolerance applies both ways, refuse ' +
          'timestamps too far ahead as well as too old',
      }),
    ],
  },
  {
    name: 'refuses-malformed-signature',
    group: 'must-refuse',
    rule: 'a malformed svix-signature header is refused',
    build(context) {
      const request = signed(context, 'file.created, svix-signature "v1,"', buildEvent('file.created'), {
        hint:
          'accepted a malformed svix-signature ("v1," with no signature): succeed only when one "v1,<base64>" entry ' +
          'equals the signature you compute; an empty or unreadable entry must not pass (a prefix or substring test does)',
      });
      request.headers['svix-signature'] = 'v1,';
      return [request];
    },
  },
  {
    name: 'no-redirect',
    group: 'must-not-redirect',
    rule: 'a delivery is answered where it is sent, not redirected (Svix does not follow redirects)',
    build: (context) => [signed(context, 'file.created', buildEvent('file.created'))],
  },
];

/** Names of every check, in battery order. */
export const CHECK_NAMES: readonly string[] = BATTERY.map((check) => check.name);

interface SignedOptions {
  id?: string;
  timestamp?: number;
  hint?: string;
}

function signed(context: CheckContext, label: string, event: ScanDocumentsEvent, options: SignedOptions = {}): CheckRequest {
  return signedBody(context, label, JSON.stringify(event), options);
}

/** Signs `body` exactly as Svix does (same svix-* headers, compact JSON) with the context's secret and clock. */
function signedBody(context: CheckContext, label: string, body: string, options: SignedOptions): CheckRequest {
  const { headers } = sign({ payload: body, secret: context.secret, id: options.id, timestamp: options.timestamp ?? context.now });
  return { label, body, headers: { 'content-type': 'application/json', ...headers }, ...(options.hint ? { hint: options.hint } : {}) };
}

/** A task.completed event whose extracted text brings the body to exactly LARGE_PAYLOAD_BYTES. */
function largeBody(): string {
  const event = buildEvent('task.completed', { variant: 'extract-text' });
  const withText = (content: string) => JSON.stringify({ ...event, data: { ...event.data, result: { content, format: 'plain' } } });
  const room = LARGE_PAYLOAD_BYTES - Buffer.byteLength(withText(''));
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. ';
  return withText(line.repeat(Math.ceil(room / line.length)).slice(0, room));
}

/**
 * A file.created event as a sender may well write it: spaced, with \u escapes and a 1.0. JSON.parse then
 * JSON.stringify changes all three, so an endpoint that verifies the re-serialized body fails, as it would in
 * production for any sender that is not byte-identical to JSON.stringify.
 */
function unnormalizedBody(): string {
  const event = buildEvent('file.created', { variant: 'pdf' });
  const { id } = event.data as { id: string };
  // 1843270.0 parses to the same size as 1843270: the event means the same, only its bytes differ.
  return (
    `{"id": "${event.id}", "type": "file.created", "timestamp": "${event.timestamp}", ` +
    `"data": {"id": "${id}", "name": "r\\u00e9sum\\u00e9.pdf", "type": "application/pdf", ` +
    `"properties": {"size": 1843270.0, "page_count": 12}, "task_id": null}}`
  );
}

/** A valid secret that is not the endpoint's: signatures made with it must be refused. */
function otherSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

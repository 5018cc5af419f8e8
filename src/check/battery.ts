import { newMessageId, sign } from '../signature/index.js';
import { EVENT_TYPES, type ScanDocumentsEvent } from '../events/index.js';
import { APPLIED_ONCE_CHECKS } from './applied-checks.js';
import {
  creationOf,
  freshCheckEvent,
  largeTaskCompleted,
  taskLifecycle,
  midCharacterOffsets,
  otherSecret,
  signed,
  signedBody,
  utf8FileCreated,
  UTF8_FILE_NAME,
} from './requests.js';
import type { Check, CheckContext, CheckRequest } from './types.js';

/** Standard Webhooks refuses timestamps more than 5 minutes away: 6 minutes is just outside, either way. */
const OUTSIDE_TOLERANCE_SECONDS = 6 * 60;
/** Just inside the 5-minute tolerance: a verifier with a window of seconds refuses it, a correct one accepts it. */
const INSIDE_TOLERANCE_SECONDS = 4 * 60;
/** Large enough to trip a default body-parser limit (express: 100 KiB), as a long extracted text does. */
export const LARGE_PAYLOAD_BYTES = 256 * 1024;
/** Larger still: the vendor documents no maximum, so refusing these is a warning, not a failure. */
export const LARGER_PAYLOAD_BYTES = [512 * 1024, 1024 * 1024] as const;
/** A plausible type Scan Documents could add tomorrow; the endpoint has never seen it. */
export const UNKNOWN_EVENT_TYPE = 'file.updated';

const ORDER_HINT =
  'failed when task.completed arrived before task.created: deliveries come in no guaranteed order, so upsert by ' +
  'data.id (create the task when its first event arrives, whichever it is) instead of assuming the creation event came first';

/**
 * The battery, in the order it runs and is reported: every accept check, then every refuse check, then the
 * applied-once checks, then the redirect check. Each check builds fresh requests (fresh event, task and file ids,
 * signed at `context.now`) each time it runs, so no check sets up the state another one needs.
 */
export const BATTERY: readonly Check[] = [
  ...EVENT_TYPES.map(
    (type): Check => ({
      name: `accepts-${type}`,
      group: 'must-accept',
      rule: `a valid, signed ${type} delivery is acknowledged with a 2xx (after its resource's creation event, as in production)`,
      build(context) {
        if (type.endsWith('.created')) return [signed(context, type, freshCheckEvent(type))];
        // A task ends after it was created: the creation goes first, so this check tests only this type.
        const { created, ended } =
          type === 'task.completed' || type === 'task.failed' ? taskLifecycle({ failed: type === 'task.failed' }) : creationAndEvent(type);
        return [signed(context, `${created.type}, first`, created), signed(context, type, ended)];
      },
    }),
  ),
  {
    name: 'accepts-rotated-signatures',
    group: 'must-accept',
    rule: 'a signature header with several signatures, only one of which matches, is accepted (key rotation)',
    build(context) {
      const body = JSON.stringify(freshCheckEvent('file.created'));
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
    name: 'accepts-each-secret',
    group: 'must-accept',
    needs: 'two-secrets',
    rule: 'during a secret rotation, deliveries signed only with the old secret, only with the new one, and with both are all accepted',
    build(context) {
      const [old, current] = [context.secrets[0]!, context.secrets.at(-1)!];
      const hint = (which: string) =>
        `refused a delivery signed ${which}: while you rotate, verify with every secret in use (try each; the svix ` +
        'library takes one secret, so keep one Webhook per secret), and retire the old one only after Svix stopped using it';
      const both = freshCheckEvent('file.created');
      const body = JSON.stringify(both);
      const id = newMessageId();
      const request = signedBody(context, 'file.created, signed with both secrets', body, { id, secret: current, hint: hint('with both secrets') });
      const byOld = sign({ payload: body, secret: old, id, timestamp: context.now });
      request.headers['svix-signature'] = `${byOld.signature} ${request.headers['svix-signature']}`;
      return [
        signed(context, 'file.created, signed only with the first secret', freshCheckEvent('file.created'), { secret: old, hint: hint('only with the first (old) secret') }),
        signed(context, 'file.created, signed only with the last secret', freshCheckEvent('file.created'), { secret: current, hint: hint('only with the last (new) secret') }),
        { ...request, eventId: both.id },
      ];
    },
  },
  {
    name: 'accepts-unknown-type',
    group: 'must-accept',
    rule: 'an event type the endpoint has never seen is acknowledged, not refused',
    build: (context) => [
      signed(context, UNKNOWN_EVENT_TYPE, { ...freshCheckEvent('file.deleted'), type: UNKNOWN_EVENT_TYPE }, {
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
      const event = freshCheckEvent('task.created');
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
    rule: 'task.completed for a task never seen before, then its task.created: both are acknowledged',
    build(context) {
      const { created: late, ended: completed } = taskLifecycle();
      return [
        signed(context, 'task.completed of a task never seen', completed, { hint: ORDER_HINT }),
        signed(context, 'task.created of that task, late', late, { hint: ORDER_HINT }),
      ];
    },
  },
  {
    name: 'accepts-large-payload',
    group: 'must-accept',
    rule: `a ${LARGE_PAYLOAD_BYTES / 1024} KiB event is acknowledged`,
    build(context) {
      const { created, event, body } = largeTaskCompleted(LARGE_PAYLOAD_BYTES);
      return [
        signed(context, 'task.created, first', created),
        {
          ...signedBody(context, `task.completed, ${LARGE_PAYLOAD_BYTES / 1024} KiB`, body, {
            hint:
              `refused a ${LARGE_PAYLOAD_BYTES / 1024} KiB event: raise your body parser's size limit (express.raw ` +
              "defaults to 100 KiB; e.g. express.raw({ type: 'application/json', limit: '5mb' }))",
          }),
          eventId: event.id,
        },
      ];
    },
  },
  {
    name: 'accepts-larger-payloads',
    group: 'must-accept',
    rule: 'a 512 KiB and a 1 MiB event are acknowledged (a refusal is a warning: Scan Documents documents no maximum)',
    build(context) {
      return LARGER_PAYLOAD_BYTES.flatMap((bytes) => {
        const { created, event, body } = largeTaskCompleted(bytes);
        const size = bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;
        return [
          signed(context, 'task.created, first', created),
          {
            ...signedBody(context, `task.completed, ${size}`, body, {
              refusalIsWarning: true,
              hint:
                `refused a ${size} event: Scan Documents documents no maximum size, and a long extracted text gets ` +
                "this large; raise your body parser's limit (e.g. express.raw({ type: 'application/json', limit: '5mb' }))",
            }),
            eventId: event.id,
          },
        ];
      });
    },
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
    name: 'accepts-raw-utf8',
    group: 'must-accept',
    rule: `a body with raw 2-, 3- and 4-byte UTF-8 characters (a file named "${UTF8_FILE_NAME}") is accepted`,
    build: (context) => [
      signed(context, 'file.created, raw UTF-8 file name', utf8FileCreated(), {
        hint:
          'refused a body with raw UTF-8 characters (an accented file name): the code decodes the body as latin1 or ' +
          "binary; verify the raw bytes, or decode them as UTF-8 (Buffer.concat(chunks).toString('utf8'))",
      }),
    ],
  },
  {
    name: 'accepts-split-utf8',
    group: 'must-accept',
    rule: 'a body that arrives in several writes, cut in the middle of a multi-byte character, is accepted',
    build(context) {
      const request = signed(context, 'file.created, raw UTF-8, sent in 3 writes cut mid-character', utf8FileCreated(), {
        hint:
          'refused a body whose chunks cut a character in two: the code decodes each chunk on its own (body += chunk); ' +
          "collect the Buffers and decode once at the end (Buffer.concat(chunks).toString('utf8')), or use a raw body parser",
      });
      return [{ ...request, splitAt: midCharacterOffsets(request.body) }];
    },
  },
  {
    name: 'accepts-clock-skew',
    group: 'must-accept',
    rule: 'deliveries signed 4 minutes ago and 4 minutes ahead are accepted (the tolerance is 5 minutes)',
    build(context) {
      const hint = (when: string) =>
        `refused a delivery signed ${when}: Standard Webhooks allows 5 minutes either way, and a retry or a clock a ` +
        'little off lands there; accept a svix-timestamp within 5 minutes of now (the svix library does)';
      return [
        signed(context, 'file.created, signed 4 minutes ago', freshCheckEvent('file.created'), { timestamp: context.now - INSIDE_TOLERANCE_SECONDS, hint: hint('4 minutes ago') }),
        signed(context, 'file.created, signed 4 minutes ahead', freshCheckEvent('file.created'), { timestamp: context.now + INSIDE_TOLERANCE_SECONDS, hint: hint('4 minutes ahead') }),
      ];
    },
  },
  {
    name: 'refuses-unsigned',
    group: 'must-refuse',
    rule: 'a delivery without svix-id, svix-timestamp and svix-signature is refused',
    build: () => {
      const event = freshCheckEvent('file.created');
      return [
        {
          label: 'file.created without signature headers',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          eventId: event.id,
          hint: 'accepted a request with no signature: verify svix-signature before handling the event (new Webhook(secret).verify(rawBody, headers))',
        },
      ];
    },
  },
  {
    name: 'refuses-tampered-body',
    group: 'must-refuse',
    rule: 'a body changed after signing is refused',
    build(context) {
      const event = freshCheckEvent('file.created');
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
      signed(context, 'file.created, signed with another secret', freshCheckEvent('file.created'), {
        secret: otherSecret(),
        hint:
          'accepted a signature made with another secret: the code does not compare the signature with one computed ' +
          "from the endpoint's whsec_ secret; verify with that secret",
      }),
    ],
  },
  {
    name: 'refuses-stale-timestamp',
    group: 'must-refuse',
    rule: 'a delivery signed 6 minutes ago is refused (replay protection: the tolerance is 5 minutes)',
    build: (context) => [
      signed(context, 'file.created, signed 6 minutes ago', freshCheckEvent('file.created'), {
        timestamp: context.now - OUTSIDE_TOLERANCE_SECONDS,
        hint:
          'accepted a delivery signed 6 minutes ago: refuse a svix-timestamp more than 5 minutes from now, or a ' +
          'captured request can be replayed (the svix library checks it for you)',
      }),
    ],
  },
  {
    name: 'refuses-future-timestamp',
    group: 'must-refuse',
    rule: 'a delivery timestamped 6 minutes ahead is refused',
    build: (context) => [
      signed(context, 'file.created, timestamped 6 minutes ahead', freshCheckEvent('file.created'), {
        timestamp: context.now + OUTSIDE_TOLERANCE_SECONDS,
        hint:
          'accepted a timestamp 6 minutes in the future: the 5-minute tolerance applies both ways, refuse ' +
          'timestamps too far ahead as well as too old',
      }),
    ],
  },
  {
    name: 'refuses-malformed-signature',
    group: 'must-refuse',
    rule: 'a malformed svix-signature header is refused',
    build(context) {
      const request = signed(context, 'file.created, svix-signature "v1,"', freshCheckEvent('file.created'), {
        hint:
          'accepted a malformed svix-signature ("v1," with no signature): succeed only when one "v1,<base64>" entry ' +
          'equals the signature you compute; an empty or unreadable entry must not pass (a prefix or substring test does)',
      });
      request.headers['svix-signature'] = 'v1,';
      return [request];
    },
  },
  ...APPLIED_ONCE_CHECKS,
  {
    name: 'no-redirect',
    group: 'must-not-redirect',
    rule: 'a delivery is answered where it is sent, not redirected (Svix does not follow redirects)',
    build: (context) => [signed(context, 'file.created', freshCheckEvent('file.created'))],
  },
];

/** A deletion (task.deleted, file.deleted) and, first in time, its resource's creation. */
function creationAndEvent(type: string): { created: ScanDocumentsEvent; ended: ScanDocumentsEvent } {
  const ended = freshCheckEvent(type);
  return { created: creationOf(ended), ended };
}

/** Names of every check, in battery order. */
export const CHECK_NAMES: readonly string[] = BATTERY.map((check) => check.name);

/**
 * A file.created event as a sender may well write it: spaced, with \u escapes and a 1.0. JSON.parse then
 * JSON.stringify changes all three, so an endpoint that verifies the re-serialized body fails, as it would in
 * production for any sender that is not byte-identical to JSON.stringify.
 */
function unnormalizedBody(): string {
  const event: ScanDocumentsEvent = freshCheckEvent('file.created', 'pdf');
  const { id } = event.data as { id: string };
  // 1843270.0 parses to the same size as 1843270: the event means the same, only its bytes differ.
  return (
    `{"id": "${event.id}", "type": "file.created", "timestamp": "${event.timestamp}", ` +
    `"data": {"id": "${id}", "name": "r\\u00e9sum\\u00e9.pdf", "type": "application/pdf", ` +
    `"properties": {"size": 1843270.0, "page_count": 12}, "task_id": null}}`
  );
}

export type { CheckContext, CheckRequest };
